/** Loading the panel bundle into a webview panel: the study panel and the comparison panel share it. */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { makeNonce, panelHtml, type PanelHtmlParts } from './webviewHtml';

/** Files the page inlines, read once per extension host (they change only with the extension). */
const inlined = new Map<string, string>();

function inlineFile(uri: vscode.Uri): string {
  let text = inlined.get(uri.fsPath);
  if (text === undefined) {
    text = readFileSync(uri.fsPath, 'utf8');
    inlined.set(uri.fsPath, text);
  }
  return text;
}

/** localResourceRoots of every panel: the bundles and the media folder, nothing else. */
export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Gives `panel` the page with the panel bundle and stylesheet inline under a fresh nonce; `view` picks the app it mounts. */
export function loadPanelApp(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, title: string, view?: PanelHtmlParts['view']): void {
  const webview = panel.webview;
  webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'nas.svg');
  webview.html = panelHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    script: inlineFile(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')),
    sourceMapUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js.map')).toString(),
    style: inlineFile(vscode.Uri.joinPath(extensionUri, 'media', 'panel', 'panel.css')),
    chartsScriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'charts.js')).toString(),
    title,
    ...(view !== undefined ? { view } : {}),
  });
}
