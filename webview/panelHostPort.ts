/**
 * The panel's only door to the outside: messages to and from the extension host, and the state VS Code
 * keeps for the webview. In VS Code it wraps `acquireVsCodeApi()`; tests can hand in their own.
 */
import type { PanelRequest, PanelRequestMethod, PanelViewState, WebviewToHostMessage } from '../src/protocol';

export interface PanelHostPort {
  /** `PanelRequest<M>` is one of WebviewToHostMessage for every M; a generic M just cannot show it. */
  postMessage<M extends PanelRequestMethod>(message: WebviewToHostMessage | PanelRequest<M>): void;
  /** What setState stored before a reload or hide/show (unknown: it may come from an older version). */
  getState(): unknown;
  setState(state: PanelViewState): void;
  /** Subscribes to messages from the host; returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/** What `acquireVsCodeApi()` returns. */
export interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export function vsCodeHostPort(api: VsCodeWebviewApi, target: Window = window): PanelHostPort {
  return {
    postMessage: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
    onMessage: (listener) => {
      const handler = (event: MessageEvent) => listener(event.data);
      target.addEventListener('message', handler);
      return () => target.removeEventListener('message', handler);
    },
  };
}
