/** Loading the panel bundle into a webview panel: the study panel and the comparison panel share it. */
import * as vscode from 'vscode';
import { makeNonce, panelHtml, type PanelHtmlParts } from './webviewHtml';

/** localResourceRoots of every panel: the bundles and the media folder, nothing else. */
export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Points `panel` at the panel bundle and stylesheet under a fresh nonce; `view` picks the app it mounts. */
export function loadPanelApp(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, title: string, view?: PanelHtmlParts['view']): void {
  const webview = panel.webview;
  webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'nas.svg');
  webview.html = panelHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel', 'panel.css')).toString(),
    title,
    ...(view !== undefined ? { view } : {}),
  });
}
