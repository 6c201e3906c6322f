/** One line for a wait of the LLM client (rate limit, backoff before a retry), for progress displays. */
import type { LlmWait } from './llmTypes';

export function describeLlmWait(wait: LlmWait): string {
  const seconds = `${Math.round(wait.ms / 100) / 10} s`;
  if (wait.reason === 'rateLimit') return `LLM: waiting ${seconds} for the requests/tokens-per-minute limit`;
  const detail = wait.detail ? ` (${wait.detail.length > 120 ? `${wait.detail.slice(0, 120)}…` : wait.detail})` : '';
  return `LLM: retrying in ${seconds} after attempt ${wait.attempt ?? '?'} failed${detail}`;
}
