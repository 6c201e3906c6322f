/**
 * What the CLI shows while a study waits on its LLM rather than simulating: the RPM/TPM limit or the
 * backoff before a retry, on the progress bar (TTY), and as a line on stderr for a wait of 10 s or
 * more, so a study held up by its endpoint never looks hung.
 */
import type { LlmWait } from '../core/llm/llmTypes';
import type { StudyLlmAccess } from '../core/study/studyLlmClient';

/** Waits at least this long get a line of their own (pipes and CI logs have no progress bar). */
const LINE_AT_MS = 10_000;

export interface WaitDisplay {
  /** Redraws the bar with this text beside the last progress. */
  bar(text: string): void;
  /** Writes one line (after clearing the bar). */
  line(text: string): void;
}

export function describeWait(wait: LlmWait): string {
  const seconds = `${Math.round(wait.ms / 100) / 10} s`;
  if (wait.reason === 'rateLimit') return `LLM: waiting ${seconds} for the rate limit (--llm-rpm / --llm-tpm)`;
  return `LLM: retrying in ${seconds} after attempt ${wait.attempt ?? '?'} failed${wait.detail ? ` (${clip(wait.detail)})` : ''}`;
}

/** `access` with its client telling `display` about every wait. */
export function withWaitProgress(access: StudyLlmAccess, display: WaitDisplay): StudyLlmAccess {
  const onWait = (wait: LlmWait) => {
    const text = describeWait(wait);
    display.bar(text);
    if (wait.ms >= LINE_AT_MS) display.line(`note: ${text}`);
  };
  return { ...access, clientOverrides: { ...access.clientOverrides, onWait } };
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
