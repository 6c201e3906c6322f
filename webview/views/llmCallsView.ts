/**
 * LLM calls tab: the study's proposal yield (cells proposed, accepted, unused, refused by reason), then
 * every call of the study (component, template, tokens, latency, cost, cache hit, parse failures, its
 * own yield, the trials it produced), filterable by component and searchable through every prompt and
 * reply. The search runs in the host, which holds the texts; each call opens to its full prompt and
 * reply as plain text, with copy and "open as editor tab".
 */
import { describeYield } from '../../src/core/llambo/proposalYield';
import type { LlmCallSummary, LlmSearchHit, PanelModel } from '../../src/core/panel/panelModel';
import { el } from '../elementBuilder';
import { formatCount } from '../numberFormat';
import type { PanelActions, PanelView, ViewContext } from '../panelView';
import { button, checkbox, dropdown, textField } from '../toolkit';
import { llmCallCard } from './llmCallCard';

const COMPONENTS = ['all', 'warmstart', 'sampler', 'repair', 'surrogate'].map((c) => ({ value: c, label: c === 'all' ? 'All components' : c }));
const PAGE = 150;
const SEARCH_DELAY_MS = 200;

export class LlmCallsView implements PanelView {
  readonly element = el('section', { className: 'view llm-view', attrs: { 'aria-label': 'LLM calls' } });
  private readonly list = el('div', { className: 'call-list', attrs: { id: 'llm-call-list' } });
  private readonly count = el('span', { className: 'row-count', attrs: { id: 'llm-count', 'aria-live': 'polite' } });
  private readonly yieldLine = el('p', { className: 'llm-yield', attrs: { id: 'llm-yield' } });
  private model: PanelModel | null = null;
  private limit = PAGE;
  /** The search shown: its query with the system-prompt choice (`key`), and its hits once the host answered. */
  private search: { key: string; query: string; hits: readonly LlmSearchHit[] | null } = { key: '', query: '', hits: null };
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly actions: PanelActions) {
    const s = actions.state;
    this.element.append(
      el('div', { className: 'toolbar' }, [
        textField({ id: 'llm-search', placeholder: 'Search prompts and replies', value: s.llmQuery, label: 'Search LLM prompts and replies', onInput: (llmQuery) => actions.setState({ llmQuery }) }),
        checkbox({ id: 'llm-skip-system', label: 'Skip system prompts', checked: s.llmSkipSystem, onChange: (llmSkipSystem) => actions.setState({ llmSkipSystem }) }),
        dropdown({ id: 'llm-component', label: 'Component', value: s.llmComponent, choices: COMPONENTS, onChange: (llmComponent) => actions.setState({ llmComponent }) }),
        this.count,
      ]),
      this.yieldLine,
      this.list,
    );
  }

  render({ model, reasons }: ViewContext): void {
    // Live deltas that bring no new calls leave the list (and an open call) alone.
    if (!reasons.state && !reasons.theme && this.model?.llmCalls === model.llmCalls) return;
    this.model = model;
    const proposals = model.overview.llm?.proposalYield;
    this.yieldLine.textContent = proposals ? `Proposal yield: ${describeYield(proposals)}.` : '';
    this.yieldLine.hidden = !proposals;
    const query = this.actions.state.llmQuery.trim();
    const skipSystem = this.actions.state.llmSkipSystem;
    if (`${skipSystem}|${query}` !== this.search.key) this.startSearch(query, skipSystem);
    this.renderList();
  }

  private startSearch(query: string, skipSystem: boolean): void {
    const key = `${skipSystem}|${query}`;
    this.search = { key, query, hits: null };
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (query === '') return;
    this.timer = setTimeout(() => {
      this.actions.request('panel/searchLlmCalls', { query, skipSystem }).then(
        (result) => {
          if (this.search.key !== key) return;
          this.search = { key, query, hits: result.hits };
          this.renderList();
        },
        (error: Error) => this.actions.announce(`Search failed: ${error.message}`),
      );
    }, SEARCH_DELAY_MS);
  }

  private renderList(): void {
    const model = this.model;
    if (!model) return;
    const component = this.actions.state.llmComponent;
    const byId = new Map(model.llmCalls.map((c) => [c.callId, c]));
    let calls: LlmCallSummary[];
    let snippets = new Map<string, string>();
    if (this.search.query !== '') {
      if (this.search.hits === null) {
        this.count.textContent = 'Searching…';
        return;
      }
      calls = this.search.hits.map((h) => byId.get(h.callId)).filter((c): c is LlmCallSummary => c !== undefined);
      snippets = new Map(this.search.hits.map((h) => [h.callId, `${h.field}: ${h.snippet}`]));
    } else {
      calls = model.llmCalls.slice();
    }
    if (component !== 'all') calls = calls.filter((c) => c.component === component);
    this.count.textContent = `${formatCount(calls.length)} of ${formatCount(model.llmCalls.length)} calls`;
    if (model.llmCalls.length === 0) {
      this.list.replaceChildren(el('p', { className: 'muted', text: 'This study made no LLM calls (its searcher does not use an LLM).' }));
      return;
    }
    const open = this.actions.state.openCallId;
    const cards = calls.slice(0, this.limit).map((call) => llmCallCard(call, this.actions, {
      open: call.callId === open,
      snippet: snippets.get(call.callId),
      onToggle: (isOpen) => this.actions.setState({ openCallId: isOpen ? call.callId : null }),
    }));
    const more = calls.length > this.limit
      ? button(`Show ${Math.min(PAGE, calls.length - this.limit)} more`, () => { this.limit += PAGE; this.renderList(); }, { id: 'llm-show-more' })
      : null;
    this.list.replaceChildren(...cards, ...(more ? [more] : []));
  }
}
