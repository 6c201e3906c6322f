/**
 * Defence in depth for the API key: the LLM client already redacts it from its errors, but any text
 * an event carries (server error bodies, exception messages) passes through here before it reaches
 * any sink: events.jsonl (CLI or worker), the extension host, tallies. runStudy wraps every sink it is
 * given, so no caller can forget it. Only event types that carry free text are inspected, so the
 * per-result hot path costs one set lookup.
 */
import type { EventSink, StudyEvent } from '../events/studyEvents';
import { SecretRedactor } from '../llm/secretRedactor';

const TEXT_EVENTS: ReadonlySet<StudyEvent['type']> = new Set(['studyError', 'llmCall', 'fallback', 'searcherInfo']);

/** One sink that redacts the key from text-carrying events, then hands each event to every target. */
export function redactingSink(key: string | undefined, targets: readonly EventSink[]): EventSink {
  const deliver = (event: StudyEvent): void => {
    for (const target of targets) target(event);
  };
  const redactor = new SecretRedactor([key]);
  // A key the redactor leaves alone (none, or a placeholder too short to be one) costs nothing per event.
  if (key === undefined || redactor.redact(key) === key) return deliver;
  return (event) => {
    if (!TEXT_EVENTS.has(event.type)) {
      deliver(event);
      return;
    }
    const json = JSON.stringify(event);
    const redacted = redactor.redact(json);
    deliver(redacted === json ? event : (JSON.parse(redacted) as StudyEvent));
  };
}
