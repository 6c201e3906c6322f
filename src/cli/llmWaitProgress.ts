/**
 * What the CLI shows while a study waits on its LLM rather than simulating: the RPM/TPM limit or the
 * backoff before a retry, on the progress bar (TTY), and as a line on stderr for a wait of 10 s or
 * more, so a study held up by its endpoint never looks hung.
 */
import type { LlmWait } from '../core/llm/llmTypes';
import { describeLlmWait } from '../core/llm/llmWaitText';
import type { StudyLlmAccess } from '../core/study/studyLlmClient';

/** Waits at least this long get a line of their own (pipes and CI logs have no progress bar). */
const LINE_AT_MS = 10_000;

export interface WaitDisplay {
  /** Redraws the bar with this text beside the last progress. */
  bar(text: string): void;
  /** Writes one line (after clearing the bar). */
  line(text: string): void;
}

/** `access` with its client telling `display` about every wait. */
export function withWaitProgress(access: StudyLlmAccess, display: WaitDisplay): StudyLlmAccess {
  const onWait = (wait: LlmWait) => {
    const text = describeLlmWait(wait);
    display.bar(text);
    if (wait.ms >= LINE_AT_MS) display.line(`note: ${text}`);
  };
  return { ...access, clientOverrides: { ...access.clientOverrides, onWait } };
}
