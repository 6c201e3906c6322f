/**
 * Entry of the study panel's bundle (dist/webview.js): mounts the panel (webview/panelApp.ts) on #app,
 * talking to the extension host through the VS Code webview API.
 */
import { mountPanel } from './panelApp';
import { vsCodeHostPort, type VsCodeWebviewApi } from './panelHostPort';

declare function acquireVsCodeApi(): VsCodeWebviewApi;

mountPanel(document.getElementById('app') as HTMLElement, vsCodeHostPort(acquireVsCodeApi()));
