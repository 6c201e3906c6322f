/**
 * The browser entry of the webview tests: exactly what webview/main.ts does (mount the panel on #app
 * with the VS Code API), here with the test's stubbed acquireVsCodeApi.
 */
import { mountPanel } from '../../webview/panelApp';
import { vsCodeHostPort, type VsCodeWebviewApi } from '../../webview/panelHostPort';

declare function acquireVsCodeApi(): VsCodeWebviewApi;

mountPanel(document.getElementById('app') as HTMLElement, vsCodeHostPort(acquireVsCodeApi()));
