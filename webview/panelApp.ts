/**
 * The study panel: a header and six tabs (overview, trials, learning curves, cells, LLM calls, rung
 * correlation) over the view model the extension host sends. Messages are queued as they arrive and
 * applied once per animation frame, so a burst of deltas costs one render; only the visible tab
 * draws, and a tab's view is built the first time it shows (a panel opens with one tab's toolkit
 * elements and charts to make, not six). Tab, selection and filters go to the host's setState and come back after hide/show or reload.
 */
import { applyPanelDelta } from '../src/core/panel/panelDelta';
import type { PanelDelta, PanelModel } from '../src/core/panel/panelModel';
import {
  hasMethod, PANEL_TABS, type PanelDeltaNotification, type PanelModelNotification, type PanelRequests, type PanelTab,
  type PanelThemeNotification, type PanelViewState, type SaveFileParams, type StudyHeadline,
} from '../src/protocol';
import { loadChartLibrary } from './chartLibrary';
import { watchTheme } from './chartTheme';
import { el } from './elementBuilder';
import { HostRequests } from './hostRequests';
import { PanelHeader } from './panelHeader';
import type { PanelHostPort } from './panelHostPort';
import type { PanelActions, PanelView, RenderReasons } from './panelView';
import { restoreViewState } from './panelViewState';
import { registerToolkit, tabs, type TabsElement } from './toolkit';
import { CellsView } from './views/cellsView';
import { CorrelationView } from './views/correlationView';
import { CurvesView } from './views/curvesView';
import { LlmCallsView } from './views/llmCallsView';
import { OverviewView } from './views/overviewView';
import { TrialsView } from './views/trialsView';

const TAB_LABELS: Record<PanelTab, string> = {
  overview: 'Overview', trials: 'Trials', curves: 'Learning curves', cells: 'Cells', llm: 'LLM calls', correlation: 'Rung correlation',
};

interface Dirty { model: boolean; state: boolean; theme: boolean }

const VIEWS: Record<PanelTab, (actions: PanelActions) => PanelView> = {
  overview: (a) => new OverviewView(a), trials: (a) => new TrialsView(a), curves: (a) => new CurvesView(a),
  cells: (a) => new CellsView(a), llm: (a) => new LlmCallsView(a), correlation: (a) => new CorrelationView(a),
};

export class PanelApp implements PanelActions {
  private model: PanelModel | null = null;
  private headline: StudyHeadline | null = null;
  private incoming: { model?: PanelModel; deltas: PanelDelta[] } = { deltas: [] };
  private viewState: PanelViewState;
  private readonly requests: HostRequests;
  private readonly header: PanelHeader;
  /** The views built so far (viewOf builds one into its tab's panel the first time it is drawn). */
  private readonly views: Partial<Record<PanelTab, PanelView>> = {};
  private readonly dirty = new Map<PanelTab, Dirty>();
  private readonly lastModelRender = new Map<PanelTab, number>();
  /** Tabs that have drawn results: only those hold live data back (a first result is drawn at once). */
  private readonly drewResults = new Set<PanelTab>();
  private readonly tabs: TabsElement;
  private readonly status: HTMLElement;
  private frame = 0;
  private throttleTimer: ReturnType<typeof setTimeout> | undefined;
  private firstPaintMarked = false;
  private readonly cleanup: (() => void)[] = [];

  constructor(private readonly root: HTMLElement, private readonly host: PanelHostPort) {
    this.viewState = restoreViewState(host.getState());
    this.requests = new HostRequests((message) => host.postMessage(message));
    this.header = new PanelHeader(this);
    for (const tab of PANEL_TABS) this.dirty.set(tab, { model: true, state: true, theme: true });
    this.tabs = tabs(PANEL_TABS.map((id) => ({ id, label: TAB_LABELS[id] })), this.viewState.tab, (id) => {
      if (id !== this.viewState.tab) this.setState({ tab: id as PanelTab });
    });
    this.status = el('p', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
    root.replaceChildren(this.header.element, this.tabs.element, this.status);
    // The status line speaks for the panel; a live region around everything would read every update out.
    root.removeAttribute('aria-live');
    root.dataset.ready = 'false';
    this.announce('Loading study…');
  }

  get state(): PanelViewState {
    return this.viewState;
  }

  get studyId(): string {
    return this.model?.overview.studyId || this.viewState.studyId || 'study';
  }

  start(): void {
    this.cleanup.push(this.host.onMessage((message) => this.receive(message)));
    this.cleanup.push(watchTheme(() => this.markAll('theme')));
    this.host.postMessage({ method: 'webview/ready', params: {} });
    performance.mark('panel:ready-posted');
    // Built while the host answers ready, so the first model only has to be drawn.
    this.viewOf(this.viewState.tab);
  }

  dispose(): void {
    for (const undo of this.cleanup.splice(0)) undo();
    cancelAnimationFrame(this.frame);
  }

  setState(patch: Partial<PanelViewState>): void {
    this.viewState = { ...this.viewState, ...patch };
    this.host.setState(this.viewState);
    if (patch.tab) this.tabs.select(patch.tab);
    this.markAll('state');
  }

  selectTrial(id: number | null, tab?: PanelTab): void {
    this.setState({ selectedTrialId: id, ...(tab ? { tab } : {}) });
  }

  request<M extends keyof PanelRequests>(method: M, params: PanelRequests[M]['params']): Promise<PanelRequests[M]['result']> {
    return this.requests.request(method, params);
  }

  post(message: Parameters<PanelHostPort['postMessage']>[0]): void {
    this.host.postMessage(message);
  }

  saveFile(params: SaveFileParams): void {
    this.announce(`Saving ${params.fileName}…`);
    this.request('panel/saveFile', params).then(
      (result) => this.announce(`Saved ${result.path}`),
      (error: Error) => this.announce(error.message === 'cancelled' ? 'Save cancelled' : `Could not save ${params.fileName}: ${error.message}`),
    );
  }

  announce(message: string): void {
    this.status.textContent = message;
  }

  private receive(message: unknown): void {
    if (this.requests.receive(message)) return;
    if (hasMethod<PanelModelNotification>(message, 'panel/model')) {
      // A new snapshot replaces whatever was queued before it.
      this.incoming = { model: message.params.model, deltas: [] };
      this.headline = message.params.headline;
      markOnce('panel:model-received');
    } else if (hasMethod<PanelDeltaNotification>(message, 'panel/delta')) {
      this.incoming.deltas.push(message.params.delta);
      this.headline = message.params.headline;
    } else if (hasMethod<PanelThemeNotification>(message, 'panel/theme')) {
      document.body.dataset.themeKind = message.params.kind;
      this.markAll('theme');
      return;
    } else {
      return;
    }
    if (this.headline.resultsReported > 0) markOnce('panel:results-received');
    this.markAll('model');
  }

  private markAll(reason: keyof Dirty): void {
    for (const d of this.dirty.values()) d[reason] = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    const started = performance.now();
    this.applyIncoming();
    if (!this.model) return;
    const tab = this.viewState.tab;
    const dirty = this.dirty.get(tab) as Dirty;
    if (!dirty.model && !dirty.state && !dirty.theme) { this.header.render(this.model, this.headline); return; }
    const view = this.viewOf(tab);
    // The header waits with a throttled view, so the two never show different counts of one study.
    if (this.deferModelOnly(tab, view, dirty)) return;
    this.header.render(this.model, this.headline);
    const reasons: RenderReasons = { ...dirty };
    dirty.model = dirty.state = dirty.theme = false;
    if (reasons.model) this.lastModelRender.set(tab, performance.now());
    view.render({ model: this.model, headline: this.headline, state: this.viewState, reasons });
    // One entry per render (deltas applied + the tab drawn), so tests and profilers see what a frame costs.
    performance.measure(`panel:render:${tab}`, { start: started });
    this.root.dataset.tab = tab;
    this.root.dataset.trials = String(this.model.trials.length);
    // Results the panel has shown: the UI smoke times "Start NAS study" to the first one.
    this.root.dataset.results = String(this.headline?.resultsReported ?? 0);
    if ((this.headline?.resultsReported ?? 0) > 0 && !this.drewResults.has(tab)) {
      this.drewResults.add(tab);
      if (markOnce('panel:results-rendered')) requestAnimationFrame(() => markOnce('panel:results-painted'));
    }
    this.root.dataset.renders = String(Number(this.root.dataset.renders ?? 0) + 1);
    if (!this.firstPaintMarked) {
      this.announce('');
      this.markFirstPaint();
    }
  }

  private viewOf(tab: PanelTab): PanelView {
    let view = this.views[tab];
    if (!view) {
      view = VIEWS[tab](this);
      this.views[tab] = view;
      this.tabs.panelOf(tab).append(view.element);
    }
    return view;
  }

  /** Live data alone redraws a heavy view at most every modelThrottleMs, once it has drawn results; a timer catches up later. */
  private deferModelOnly(tab: PanelTab, view: PanelView, dirty: Dirty): boolean {
    if (!view.modelThrottleMs || dirty.state || dirty.theme || this.headline?.status !== 'running' || !this.drewResults.has(tab)) return false;
    const wait = (this.lastModelRender.get(tab) ?? -Infinity) + view.modelThrottleMs - performance.now();
    if (wait <= 0) return false;
    if (this.throttleTimer === undefined) {
      this.throttleTimer = setTimeout(() => { this.throttleTimer = undefined; this.schedule(); }, wait);
    }
    return true;
  }

  private applyIncoming(): void {
    const { model, deltas } = this.incoming;
    if (!model && deltas.length === 0) return;
    let next = model ?? this.model;
    if (!next) return;
    for (const delta of deltas) next = applyPanelDelta(next, delta);
    this.incoming = { deltas: [] };
    this.model = next;
    if (this.viewState.studyId !== next.overview.studyId && next.overview.studyId) {
      this.viewState = { ...this.viewState, studyId: next.overview.studyId };
      this.host.setState(this.viewState);
    }
  }

  /** Marks when the first model is on screen: rendered now, painted by the next frame. */
  private markFirstPaint(): void {
    this.firstPaintMarked = true;
    performance.mark('panel:first-render');
    requestAnimationFrame(() => {
      performance.mark('panel:first-paint');
      this.root.dataset.ready = 'true';
      // For the tabs without charts too, so a chart tab shown later draws at once.
      setTimeout(() => loadChartLibrary().catch((error: Error) => this.announce(`Charts could not be loaded: ${error.message}`)));
    });
  }
}

/** A performance mark taken the first time only (the UI smoke reads them to time a study's start); true when taken now. */
function markOnce(name: string): boolean {
  if (performance.getEntriesByName(name, 'mark').length > 0) return false;
  performance.mark(name);
  return true;
}

/** Mounts the study panel into `root` and says ready to the host. */
export function mountPanel(root: HTMLElement, host: PanelHostPort): PanelApp {
  registerToolkit();
  const app = new PanelApp(root, host);
  performance.mark('panel:mounted');
  app.start();
  return app;
}
