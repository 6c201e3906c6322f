/// <reference types="mocha" />
/** The study panel loads under its CSP, completes the ready handshake, and is one per study. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import { activateExtension, waitFor } from './testExtension';

suite('study panel', () => {
  let api: LlamboNasApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });

  test('opens, says ready, and a second open reveals the same panel', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'bohb', hours: 0.5 }, openPanel: true });
    const panel = await waitFor('the panel', () => api.services.panels.get(id));
    await waitFor('the webview/ready handshake', () => panel.isReady, 20_000);
    await api.services.registry.get(id)!.ended;
    assert.match(panel.panel.webview.html, /Content-Security-Policy/);
    assert.match(panel.panel.webview.html, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.doesNotMatch(panel.panel.webview.html, /unsafe-inline|unsafe-eval/);
    await vscode.commands.executeCommand('llamboNas.openStudy', id);
    assert.equal(api.services.panels.get(id), panel);
    panel.panel.dispose();
    assert.equal(api.services.panels.get(id), undefined);
  });
});
