/**
 * Defence in depth for the API key: the LLM client already redacts it from its errors, but any text
 * an event or a failure message carries (server error bodies, exception messages) passes through
 * here before it reaches events.jsonl or the extension host. Only event types that carry free text
 * are inspected, so the per-result hot path costs one switch.
 */
import type { EventSink, StudyEvent } from '../core/events/studyEvents';

const REDACTED = '[redacted]';
/** Shorter "keys" (placeholders, test values) would replace ordinary words. */
const MIN_KEY_LENGTH = 6;
const TEXT_EVENTS: ReadonlySet<StudyEvent['type']> = new Set(['studyError', 'llmCall', 'fallback', 'searcherInfo']);

export function redactText(text: string, key: string | undefined): string {
  return key && key.length >= MIN_KEY_LENGTH && text.includes(key) ? text.split(key).join(REDACTED) : text;
}

/** One sink that redacts the key from text-carrying events, then hands each event to every target. */
export function redactingSink(key: string | undefined, targets: readonly EventSink[]): EventSink {
  const deliver = (event: StudyEvent): void => {
    for (const target of targets) target(event);
  };
  if (!key || key.length < MIN_KEY_LENGTH) return deliver;
  return (event) => {
    if (!TEXT_EVENTS.has(event.type)) {
      deliver(event);
      return;
    }
    const json = JSON.stringify(event);
    deliver(json.includes(key) ? (JSON.parse(redactText(json, key)) as StudyEvent) : event);
  };
}
