/**
 * One LLM call as plain text for the clipboard ("copy prompt/reply") or as a Markdown document for
 * "open as editor tab". The texts go into fenced blocks whose fence is longer than any backtick run
 * inside them, so a reply holding ``` cannot end its block early.
 */
import type { LlmCallSummary, LlmCallText } from './panelModel';

export type LlmCallPart = 'prompt' | 'reply' | 'all';

/** What "copy" puts on the clipboard: the prompt's messages with their roles, the reply, or both. */
export function llmCallClipboardText(text: LlmCallText, part: LlmCallPart): string {
  const prompt = text.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
  const reply = text.reply ?? '';
  return part === 'prompt' ? prompt : part === 'reply' ? reply : `${prompt}\n\n[reply]\n${reply}`;
}

/** A Markdown document of the whole call, with its figures. */
export function llmCallMarkdown(text: LlmCallText, summary?: LlmCallSummary): string {
  const lines: string[] = [`# LLM call ${text.callId}`, ''];
  if (summary) {
    lines.push(
      `- component: ${summary.component} (template ${summary.template})`,
      `- tokens: ${summary.promptTokens} prompt, ${summary.completionTokens} completion${summary.cachedTokens ? `, ${summary.cachedTokens} cached` : ''}`,
      `- latency: ${summary.latencySeconds ?? '—'} s · cost: $${summary.costUsd ?? 0}${summary.cacheHit ? ' · cache hit' : ''}`,
      `- trials: ${summary.trialIds.length > 0 ? summary.trialIds.join(', ') : 'none'}`,
      '',
    );
  }
  for (const m of text.messages) lines.push(`## ${m.role}`, '', fenced(m.content), '');
  lines.push('## reply', '', fenced(text.reply ?? '(no reply)'), '');
  if (text.parsed !== null) lines.push('## parsed', '', fenced(text.parsed, 'json'), '');
  if (text.parseFailures.length > 0) lines.push('## parse failures and refused cells', '', ...text.parseFailures.map((f) => `- ${f.replace(/\n/g, ' ')}`), '');
  if (text.error) lines.push('## error', '', fenced(text.error), '');
  return lines.join('\n');
}

function fenced(body: string, language = 'text'): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${body}\n${fence}`;
}
