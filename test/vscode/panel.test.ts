/// <reference types="mocha" />
/**
 * The study panel loads under its CSP, completes the ready handshake, and is one per study; a long
 * study reaches it in order, in slices, with one message in flight at a time.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import type { HostToWebviewMessage, StudyEvent } from '../../src/protocol';
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

  test('a long study reaches its panel in order, in slices, one message in flight at a time', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'random', hours: 60, seed: 11 }, openPanel: true });
    const panel = api.services.panels.get(id)!;
    const webview = panel.panel.webview;
    const post = webview.postMessage.bind(webview);
    const delivered: StudyEvent[] = [];
    const sizes: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    // Spy on what the host sends (the webview has not said ready yet: the snapshot is seen too).
    webview.postMessage = (message: HostToWebviewMessage) => {
      if (message.method === 'panel/snapshot') delivered.length = 0;
      if (message.method === 'panel/snapshot' || message.method === 'panel/events') {
        delivered.push(...message.params.events);
        sizes.push(message.params.events.length);
      }
      if (message.method !== 'panel/events') return post(message);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      return post(message).then((ok) => { inFlight--; return ok; }, (error: unknown) => { inFlight--; throw error; });
    };
    const session = api.services.registry.get(id)!;
    const headline = await session.ended;
    assert.equal(headline.status, 'finished');
    await waitFor('every event at the panel', () => delivered.length === session.events.length, 30_000);
    assert.ok(session.events.length > 20_000, `${session.events.length} events`);
    assert.ok(sizes.length >= 5 && Math.max(...sizes) <= 5000, `messages of ${Math.min(...sizes)}..${Math.max(...sizes)} events`);
    assert.equal(maxInFlight, 1);
    assert.ok(delivered.every((e, i) => e.seq === i), 'in order, none lost or repeated');
    panel.panel.dispose();
  });
});
