/**
 * Minimal study panel (the full UI is issue #5): says ready, then shows the study's id, status,
 * trial count, incumbent and the latest events. Every string is set with textContent, never as HTML:
 * event fields can hold LLM text.
 */
import type { HostToWebviewMessage, PanelState, StudyEvent, StudyHeadline, WebviewReadyCommand } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const RECENT_EVENTS = 40;
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
let recent: StudyEvent[] = [];

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function percent(error: number): string {
  return `${(error * 100).toFixed(2)}%`;
}

function describe(event: StudyEvent): string {
  const t = `${(event.time / 3600).toFixed(2)} h`;
  switch (event.type) {
    case 'trialStarted': return `${t}  trial ${event.trialId} started (bracket ${event.bracket}, to epoch ${event.untilEpoch}) ${event.arch}`;
    case 'result': return `${t}  trial ${event.trialId} epoch ${event.epoch}: ${event.error === null ? 'failed' : percent(event.error)}`;
    case 'incumbentChanged': return `${t}  new incumbent: trial ${event.trialId} ${percent(event.error)} at epoch ${event.epoch}`;
    case 'rungCompleted': return `${t}  bracket ${event.bracket} rung ${event.rung} (epoch ${event.level}) complete, promoted ${event.promoted.length}`;
    case 'studyFinished': return `${t}  study finished (${event.reason})`;
    case 'studyError': return `${t}  error: ${event.message}`;
    case 'llmCall': return `${t}  LLM ${event.component} call${event.cacheHit ? ' (cached)' : ''}`;
    default: return `${t}  ${event.type}`;
  }
}

function render(headline: StudyHeadline): void {
  const header = element('header');
  header.append(element('h1', headline.studyId, 'study-id'));
  const facts = element('dl', undefined, 'facts');
  const rows: [string, string][] = [
    ['Status', headline.status + (headline.message ? ` — ${headline.message}` : '')],
    ['Searcher', `${headline.searcher} · ${headline.scheduler}`],
    ['Simulated time', `${(headline.simulatedSeconds / 3600).toFixed(2)} h of ${(headline.budgetSeconds / 3600).toFixed(2)} h`],
    ['Trials', String(headline.trialsStarted)],
    ['Results', String(headline.resultsReported)],
    ['Incumbent', headline.incumbent ? `${percent(headline.incumbent.error)} (trial ${headline.incumbent.trialId}, epoch ${headline.incumbent.epoch}) ${headline.incumbent.arch}` : '—'],
    ['LLM cost', `$${headline.llmUsd.toFixed(4)}`],
    ['Table', headline.table],
  ];
  for (const [name, value] of rows) {
    facts.append(element('dt', name), element('dd', value, `fact-${name.toLowerCase().replace(/\s+/g, '-')}`));
  }
  header.append(facts);
  const list = element('ol', undefined, 'events');
  for (const event of recent.slice().reverse()) list.append(element('li', describe(event)));
  app.replaceChildren(header, element('h2', 'Latest events'), list);
  app.dataset.status = headline.status;
  app.dataset.trials = String(headline.trialsStarted);
}

function keepRecent(events: readonly StudyEvent[]): void {
  recent = recent.concat(events.slice(-RECENT_EVENTS)).slice(-RECENT_EVENTS);
}

window.addEventListener('message', (message: MessageEvent<HostToWebviewMessage>) => {
  const data = message.data;
  switch (data.method) {
    case 'panel/snapshot':
      recent = [];
      keepRecent(data.params.events);
      vscode.setState({ studyId: data.params.headline.studyId });
      render(data.params.headline);
      break;
    case 'panel/events':
      keepRecent(data.params.events);
      render(data.params.headline);
      break;
    case 'panel/theme':
      document.body.dataset.theme = data.params.kind;
      break;
    default:
  }
});

const ready: WebviewReadyCommand = { method: 'webview/ready', params: {} };
vscode.postMessage(ready);
