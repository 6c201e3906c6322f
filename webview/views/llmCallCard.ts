/**
 * One LLM call as a disclosure: a summary line (component, template, tokens, latency, cost, cache hit,
 * parse failures, proposal yield, the trials it produced) that opens to the full prompt and reply. The texts come from
 * the host on request and are shown with textContent only: a reply holding `<img onerror=...>` or
 * `<script>` is displayed, never run. Copy and "open as editor tab" are host commands.
 */
import { describeYield, type ProposalYield } from '../../src/core/llambo/proposalYield';
import type { LlmCallSummary, LlmCallText } from '../../src/core/panel/panelModel';
import { el } from '../elementBuilder';
import { formatCount, formatSeconds, formatUsd } from '../numberFormat';
import type { PanelActions } from '../panelView';
import { button } from '../toolkit';

const textCache = new Map<string, LlmCallText>();
const CACHE_LIMIT = 64;

export interface LlmCallCardOptions {
  readonly open: boolean;
  onToggle(open: boolean): void;
  /** Text to show under the summary (a search hit). */
  readonly snippet?: string;
}

export function llmCallCard(call: LlmCallSummary, actions: PanelActions, options: LlmCallCardOptions): HTMLElement {
  const bodyId = `call-body-${cssId(call.callId)}`;
  const toggle = el('button', {
    className: 'call-summary',
    attrs: { type: 'button', 'aria-expanded': String(options.open), 'aria-controls': bodyId, 'data-call-id': call.callId },
  }, [
    el('span', { className: 'call-id', text: call.callId }),
    el('span', { className: `call-component component-${call.component}`, text: call.component }),
    el('span', { className: 'call-template', text: call.template }),
    el('span', { className: 'call-tokens', text: `${formatCount(call.promptTokens)} → ${formatCount(call.completionTokens)} tok` }),
    call.promptFit ? el('span', {
      className: 'call-prompt-fit',
      text: `counted ${formatCount(call.promptFit.countedTokens)} + ${formatCount(call.promptFit.maxTokens)} of ${formatCount(call.promptFit.contextWindow)}`,
      title: `Prompt tokens counted before sending (${call.promptFit.method}) + the reply's max_tokens, of the context window; the figure before is the server's usage`,
    }) : null,
    call.responseFormat ? el('span', { className: 'call-format', text: call.responseFormat }) : null,
    call.adaptations.length > 0 ? el('span', { className: 'call-flag adapted', text: 'endpoint adapted', title: call.adaptations.join('\n') }) : null,
    el('span', { className: 'call-latency', text: formatSeconds(call.latencySeconds) }),
    el('span', { className: 'call-cost', text: formatUsd(call.costUsd) }),
    call.cacheHit ? el('span', { className: 'call-flag cache', text: 'cache hit' }) : null,
    call.parseFailures > 0 ? el('span', { className: 'call-flag failures', text: parseText(call) }) : null,
    call.proposalYield ? el('span', { className: 'call-yield', text: yieldText(call.proposalYield), title: describeYield(call.proposalYield) }) : null,
    call.error ? el('span', { className: 'call-flag error', text: 'failed' }) : null,
  ]);
  toggle.addEventListener('click', () => options.onToggle(!options.open));
  const card = el('article', { className: `call-card${options.open ? ' open' : ''}`, attrs: { 'data-call-id': call.callId } }, [toggle]);
  if (options.snippet) card.append(el('p', { className: 'call-snippet', text: options.snippet }));
  if (call.trialIds.length > 0) card.append(trialLinks(call.trialIds, actions));
  if (options.open) card.append(callBody(call, actions, bodyId));
  return card;
}

function parseText(call: LlmCallSummary): string {
  const refused = call.dropped;
  const problems = call.parseFailures - refused;
  return [problems > 0 ? `${problems} parse failures` : '', refused > 0 ? `${refused} cells refused` : ''].filter(Boolean).join(', ');
}

/** "18 proposed → 11 accepted": the card's short form; the title holds the reasons. */
function yieldText(y: ProposalYield): string {
  return `${formatCount(y.proposed)} proposed → ${formatCount(y.accepted)} accepted`;
}

function trialLinks(ids: readonly number[], actions: PanelActions): HTMLElement {
  const shown = ids.slice(0, 12);
  const links = shown.map((id) => {
    const link = el('button', { className: 'link-button', text: `#${id}`, attrs: { type: 'button', 'data-trial-id': String(id) }, title: `Show trial ${id}` });
    link.addEventListener('click', () => actions.selectTrial(id, 'trials'));
    return link;
  });
  const more = ids.length > shown.length ? el('span', { text: ` +${ids.length - shown.length} more` }) : null;
  return el('p', { className: 'call-trials' }, [el('span', { text: 'Trials: ' }), ...links, more]);
}

function callBody(call: LlmCallSummary, actions: PanelActions, id: string): HTMLElement {
  const body = el('div', { className: 'call-body', attrs: { id } });
  const copy = (part: 'prompt' | 'reply' | 'all') => {
    actions.post({ method: 'webview/copyLlmCall', params: { callId: call.callId, part } });
    actions.announce(`Copied the ${part === 'all' ? 'prompt and reply' : part} of ${call.callId}`);
  };
  body.append(el('div', { className: 'toolbar' }, [
    button('Copy prompt', () => copy('prompt')),
    button('Copy reply', () => copy('reply')),
    button('Open as editor tab', () => actions.post({ method: 'webview/openLlmCall', params: { callId: call.callId } }), { title: 'Open the prompt and reply in an editor tab' }),
  ]));
  const cached = textCache.get(call.callId);
  if (cached) {
    body.append(callText(cached));
    return body;
  }
  const loading = el('p', { className: 'loading', text: 'Loading prompt and reply…' });
  body.append(loading);
  actions.request('panel/llmCallText', { callId: call.callId }).then(
    (text) => {
      if (textCache.size >= CACHE_LIMIT) textCache.delete(textCache.keys().next().value as string);
      textCache.set(call.callId, text);
      loading.replaceWith(callText(text));
    },
    (error: Error) => { loading.textContent = `Could not load the call: ${error.message}`; },
  );
  return body;
}

function callText(text: LlmCallText): HTMLElement {
  const parts: (HTMLElement | null)[] = text.messages.map((m) => el('section', { className: `message role-${m.role}` }, [
    el('h4', { text: m.role }),
    el('pre', { className: 'message-text', text: m.content }),
  ]));
  parts.push(el('section', { className: 'message role-reply' }, [
    el('h4', { text: 'reply' }),
    el('pre', { className: 'reply-text', text: text.reply ?? '(no reply)' }),
  ]));
  if (text.parsed !== null) parts.push(el('details', { className: 'parsed' }, [el('summary', { text: 'Parsed value' }), el('pre', { text: text.parsed })]));
  if (text.parseFailures.length > 0) {
    parts.push(el('section', { className: 'failures' }, [
      el('h4', { text: `Parse failures and refused cells (${text.parseFailures.length})` }),
      el('ul', {}, text.parseFailures.map((f) => el('li', { text: f }))),
    ]));
  }
  if (text.error) parts.push(el('p', { className: 'call-error', text: `Error: ${text.error}` }));
  return el('div', { className: 'call-text' }, parts);
}

function cssId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}
