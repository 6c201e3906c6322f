/**
 * Entry of the panels' bundle (dist/webview.js): mounts the study panel (webview/panelApp.ts) or, in
 * a comparison panel (`#app[data-view="comparison"]`), the comparison (webview/comparisonApp.ts) on
 * #app, talking to the extension host through the VS Code webview API.
 */
import { mountPanelApp } from './mountApp';
import { vsCodeHostPort, type VsCodeWebviewApi } from './panelHostPort';

declare function acquireVsCodeApi(): VsCodeWebviewApi;

// The bundle's modules have run (its fetch and parse are in the resource timing of webview.js).
performance.mark('panel:script-run');
mountPanelApp(document.getElementById('app') as HTMLElement, vsCodeHostPort(acquireVsCodeApi()));
