/**
 * Defence in depth for the API key: the LLM client already redacts it from its errors, but any text
 * an event carries (server error bodies, exception messages) passes through here before it reaches
 * any sink: events.jsonl (CLI or worker), the extension host, tallies. runStudy wraps every sink it is
 * given, so no caller can forget it. Only event types that carry free text are inspected, so the
 * per-result hot path costs one set lookup.
 */
import type { EventSink, NumberedEventSink, StudyEvent, StudyEventDraft } from '../events/studyEvents';
import { redactHeaderValues, redactUrlCredentials, SecretRedactor } from '../llm/secretRedactor';
import { urlCredentials } from '../llm/urlCredentials';
import { numberedForms } from './eventStream';
import type { StudySpec } from './studySpec';

const TEXT_EVENTS: ReadonlySet<StudyEvent['type']> = new Set(['studyError', 'llmCall', 'fallback', 'searcherInfo']);

/**
 * One sink that redacts the secrets (the key, header values, base URL credentials) from text-carrying
 * events, then hands each event to every target. It takes numbered drafts when every target does:
 * drafts of the other event types pass as they are, a text-carrying one is made an event first.
 */
export function redactingSink(secrets: readonly (string | undefined)[], targets: readonly EventSink[]): EventSink {
  const deliver = (event: StudyEvent): void => {
    for (const target of targets) target(event);
  };
  const numberedTargets = numberedForms(targets);
  const deliverNumbered = numberedTargets && ((seq: number, draft: StudyEventDraft): void => {
    for (const target of numberedTargets) target(seq, draft);
  });
  const redactor = new SecretRedactor(secrets);
  // No secret the redactor would cut (none, or placeholders too short to be one) costs nothing per event.
  if (secrets.every((secret) => secret === undefined || redactor.redact(secret) === secret)) return withNumbered(deliver, deliverNumbered);
  const redacting = (event: StudyEvent): void => {
    if (!TEXT_EVENTS.has(event.type)) {
      deliver(event);
      return;
    }
    const json = JSON.stringify(event);
    const redacted = redactor.redact(json);
    deliver(redacted === json ? event : (JSON.parse(redacted) as StudyEvent));
  };
  return withNumbered(redacting, deliverNumbered && ((seq, draft) => {
    if (TEXT_EVENTS.has(draft.type)) redacting({ seq, ...draft } as StudyEvent);
    else deliverNumbered(seq, draft);
  }));
}

function withNumbered(sink: (event: StudyEvent) => void, numbered: NumberedEventSink | undefined): EventSink {
  return numbered ? Object.assign(sink, { numbered }) : sink;
}

/** The secrets of a spec's endpoint: header values and base URL credentials. */
export function specSecrets(spec: StudySpec): string[] {
  if (!spec.llm) return [];
  return [...Object.values(spec.llm.headers ?? {}), ...urlCredentials(spec.llm.baseUrl)];
}

/** The spec as it may be written (study.json, the studyStarted event) or shown: base URL credentials and header values hidden. */
export function publicSpec(spec: StudySpec): StudySpec {
  if (!spec.llm) return spec;
  const { headers, ...llm } = spec.llm;
  return {
    ...spec,
    llm: { ...llm, baseUrl: redactUrlCredentials(llm.baseUrl), ...(headers ? { headers: redactHeaderValues(headers) } : {}) },
  };
}
