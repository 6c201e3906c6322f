/**
 * What every tab of the panel is: an element, and a render() the app calls on an animation frame
 * while the tab is visible and something it shows changed. Views never fold events: they draw the
 * view model the host sent, and ask the app (PanelActions) to change state or talk to the host.
 */
import type { PanelModel } from '../src/core/panel/panelModel';
import type { PanelRequests, PanelTab, PanelViewState, SaveFileParams, StudyHeadline, WebviewToHostMessage } from '../src/protocol';

/** Why a render happens: new data, a state change (tab, selection, filter), a theme switch. */
export interface RenderReasons {
  readonly model: boolean;
  readonly state: boolean;
  readonly theme: boolean;
}

export interface ViewContext {
  readonly model: PanelModel;
  readonly headline: StudyHeadline | null;
  readonly state: PanelViewState;
  readonly reasons: RenderReasons;
}

export interface PanelActions {
  readonly state: PanelViewState;
  setState(patch: Partial<PanelViewState>): void;
  /** Selects a trial (null clears), optionally switching tab. */
  selectTrial(id: number | null, tab?: PanelTab): void;
  request<M extends keyof PanelRequests>(method: M, params: PanelRequests[M]['params']): Promise<PanelRequests[M]['result']>;
  post(message: WebviewToHostMessage): void;
  /** Asks the host to write a file into the workspace and says where it went. */
  saveFile(params: SaveFileParams): void;
  /** A short message in the panel's status line (read out by screen readers). */
  announce(message: string): void;
  /** File names start with the study id. */
  readonly studyId: string;
}

export interface PanelView {
  readonly element: HTMLElement;
  /**
   * Redraw throttle for live data: while a study runs, a view with heavy charts redraws at most this
   * often for model changes (state and theme changes redraw at once).
   */
  readonly modelThrottleMs?: number;
  render(context: ViewContext): void;
}
