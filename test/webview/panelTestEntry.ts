/**
 * The browser entry of the webview tests: exactly what webview/main.ts does (mount the panel the page
 * asks for on #app with the VS Code API), here with the test's stubbed acquireVsCodeApi.
 */
import { mountPanelApp } from '../../webview/mountApp';
import { vsCodeHostPort, type VsCodeWebviewApi } from '../../webview/panelHostPort';

declare function acquireVsCodeApi(): VsCodeWebviewApi;

mountPanelApp(document.getElementById('app') as HTMLElement, vsCodeHostPort(acquireVsCodeApi()));
