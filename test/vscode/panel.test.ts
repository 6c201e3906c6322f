/// <reference types="mocha" />
/**
 * The study panel host in a real VS Code: the panel loads under its CSP with the panel stylesheet and bundle inline,
 * completes the ready handshake and is one per study; a long study reaches it as one view model and
 * then deltas, one message in flight at a time, that add up to the model folded from all its events;
 * sibling studies (same tag) come as companion traces with an IQM band; the panel's requests and
 * commands (LLM call text, search, copy, open as editor tab, save a file, open a cell) do what they say.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { applyPanelDelta } from '../../src/core/panel/panelDelta';
import type { PanelModel } from '../../src/core/panel/panelModel';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import type { LlamboNasApi } from '../../src/extension/extension';
import type { StudyPanel } from '../../src/extension/studyPanel';
import type { HostToWebviewMessage } from '../../src/protocol';
import type { FakeLlmHandle } from '../support/fakeLlmServer';
import { startTestEndpoint, stopTestEndpoint } from './llmTestEndpoint';
import { activateExtension, ScriptedPrompter, waitFor, withPrompter } from './testExtension';

interface Spy {
  readonly sent: HostToWebviewMessage[];
  /** Deltas posted while the study still ran, and those posted while another model message was in flight. */
  readonly liveDeltas: () => number;
  readonly overlappingDeltas: () => number;
  readonly inFlight: () => number;
  restore(): void;
}

/** Records what the host posts to the webview (still delivering it) and whether a delta ever overtook a message. */
function spyOn(panel: StudyPanel): Spy {
  const webview = panel.panel.webview;
  const post = webview.postMessage.bind(webview);
  const sent: HostToWebviewMessage[] = [];
  let inFlight = 0;
  let live = 0;
  let overlapping = 0;
  webview.postMessage = (message: HostToWebviewMessage) => {
    sent.push(message);
    if (message.method !== 'panel/model' && message.method !== 'panel/delta') return post(message);
    if (message.method === 'panel/delta') {
      if (inFlight > 0) overlapping++;
      if (panel.session.running) live++;
    }
    inFlight++;
    return post(message).then((ok) => { inFlight--; return ok; }, (error: unknown) => { inFlight--; throw error; });
  };
  return {
    sent, liveDeltas: () => live, overlappingDeltas: () => overlapping, inFlight: () => inFlight,
    restore: () => { webview.postMessage = post; },
  };
}

/** Sends a request as the webview would and waits for the host's answer. */
async function ask(panel: StudyPanel, spy: Spy, method: string, params: unknown): Promise<{ result?: unknown; error?: string }> {
  const id = Math.floor(Math.random() * 1e9);
  panel.receive({ method, id, params });
  const response = await waitFor(`the answer to ${method}`, () => spy.sent.find((m) => m.method === `${method}/response` && (m as { id: number }).id === id));
  return response as { result?: unknown; error?: string };
}

/** The model the webview ends up with: the last panel/model with every later delta applied. */
function modelAtWebview(sent: readonly HostToWebviewMessage[]): PanelModel | undefined {
  let model: PanelModel | undefined;
  for (const message of sent) {
    if (message.method === 'panel/model') model = message.params.model;
    else if (message.method === 'panel/delta' && model) model = applyPanelDelta(model, message.params.delta);
  }
  return model;
}

async function openPanelOf(api: LlamboNasApi, spec: Record<string, unknown>): Promise<{ id: string; panel: StudyPanel }> {
  const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec, openPanel: true });
  const panel = await waitFor('the panel', () => api.services.panels.get(id));
  return { id, panel };
}

suite('study panel', () => {
  let api: LlamboNasApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });

  test('opens under its CSP with the panel stylesheet and bundle inline, says ready, and a second open reveals the same panel', async () => {
    const { id, panel } = await openPanelOf(api, { searcher: 'bohb', hours: 0.5 });
    await waitFor('the webview/ready handshake', () => panel.isReady);
    await api.services.registry.get(id)!.ended;
    const html = panel.panel.webview.html;
    assert.match(html, /Content-Security-Policy/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.match(html, /<meta property="csp-nonce" content="[A-Za-z0-9+/=]{16,}">/);
    // The stylesheet and the bundle are inline under the page's nonce: no file to fetch before the first paint.
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{16,})'/.exec(html)?.[1];
    assert.ok(html.includes(`<style nonce="${nonce}">`) && html.includes('.panel-header'), 'panel.css is inline under the nonce');
    assert.ok(html.includes(`<script nonce="${nonce}">`) && html.includes('panel:script-run'), 'the panel bundle is inline under the nonce');
    assert.doesNotMatch(html, /<link |<script [^>]*src=/, 'nothing to fetch but the source map');
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    await vscode.commands.executeCommand('llamboNas.openStudy', id);
    assert.equal(api.services.panels.get(id), panel);
    panel.panel.dispose();
    assert.equal(api.services.panels.get(id), undefined);
  });

  test('Start NAS study opens the panel before the study exists, and the study takes that panel', async () => {
    await api.services.context.workspaceState.update('llamboNas.lastStudyPlan', { searchers: ['random'], scheduler: 'sync-hyperband', hours: 0.5, workers: 2, seeds: 1 });
    const order: string[] = [];
    const opened: vscode.WebviewPanel[] = [];
    const { panels, registry } = api.services;
    const openPending = panels.openPending.bind(panels);
    const start = registry.start.bind(registry);
    panels.openPending = (timeline) => {
      const pending = openPending(timeline);
      order.push('panel opened');
      opened.push(pending.panel);
      return pending;
    };
    registry.start = (spec, options) => {
      order.push('study started');
      return start(spec, options);
    };
    try {
      const prompter = new ScriptedPrompter([{ pick: (v) => v === 'run' }]);
      const id = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<string>('llamboNas.startStudy')));
      assert.deepEqual(order, ['panel opened', 'study started']);
      const panel = await waitFor('the study panel', () => panels.get(id));
      assert.equal(panel.panel, opened[0], 'the panel opened before the study is the study\'s');
      assert.equal(panel.panel.title, `NAS: ${id}`);
      await waitFor('the webview/ready handshake', () => panel.isReady);
      await registry.get(id)!.ended;
      panel.panel.dispose();
    } finally {
      panels.openPending = openPending;
      registry.start = start;
    }
  });

  test('a long study reaches its panel as one model and deltas, one at a time, that add up to all its events', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'random', hours: 150, seed: 11 }, openPanel: false });
    const session = api.services.registry.get(id)!;
    const panel = api.services.panels.show(session, true);
    const spy = spyOn(panel);
    // Ready at once, while the study runs (the webview's own ready may come later and start over: fine).
    assert.ok(session.running);
    panel.receive({ method: 'webview/ready', params: {} });
    const headline = await session.ended;
    assert.equal(headline.status, 'finished');
    await waitFor('the final state at the webview', () => {
      const last = spy.sent.filter((m) => m.method === 'panel/delta' || m.method === 'panel/model').pop();
      return spy.inFlight() === 0 && last?.params.headline.status === 'finished' && modelAtWebview(spy.sent)?.overview.finished;
    }, 30_000);
    assert.equal(spy.sent[0].method, 'panel/model', 'the model comes first');
    // How many depends on the machine: the webview takes each message before the next, so a busy
    // host sends fewer, bigger deltas.
    assert.ok(spy.liveDeltas() >= 1, `${spy.liveDeltas()} deltas while the study ran`);
    assert.equal(spy.overlappingDeltas(), 0, 'a delta waits until the webview took the last message');
    const models = spy.sent.filter((m) => m.method === 'panel/model').length;
    assert.equal(spy.sent.filter((m) => m.method === 'panel/theme').length, models, 'the theme follows each model');
    assert.ok(session.events.length > 20_000, `${session.events.length} events`);

    const fold = new PanelModelBuilder();
    fold.add(session.events);
    const expected = fold.snapshot();
    const actual = modelAtWebview(spy.sent)!;
    const byId = <T extends { id: number }>(rows: readonly T[]) => [...rows].sort((a, b) => a.id - b.id);
    assert.equal(actual.trials.length, headline.trialsStarted);
    assert.deepEqual(byId(actual.trials), byId(expected.trials));
    assert.deepEqual(byId(actual.curves), byId(expected.curves));
    assert.deepEqual(actual.overview, expected.overview);
    assert.deepEqual(actual.ledger, expected.ledger);
    assert.deepEqual(actual.marks, expected.marks);
    assert.deepEqual(actual.incumbentPath, expected.incumbentPath);
    assert.deepEqual(actual.correlation, expected.correlation);
    spy.restore();
    panel.panel.dispose();
  });

  test('studies that share a tag come into each other\'s overview, live, with an IQM band over seeds', async () => {
    const tag = `panel-test-${Date.now().toString(36)}`;
    const run = async (spec: Record<string, unknown>) => {
      const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { ...spec, hours: 0.5, tag }, openPanel: false });
      await api.services.registry.get(id)!.ended;
      return id;
    };
    const first = await run({ searcher: 'random', seed: 0 });
    await run({ searcher: 'rea', seed: 0 });
    // Ready at once, as the webview would say it; the webview's own ready may follow with a fresh
    // model. Wait for that (briefly: it may never come, so this bound is not a hang guard) so the new
    // seed below can only arrive as a delta.
    const panel = api.services.panels.show(api.services.registry.get(first)!, true);
    const spy = spyOn(panel);
    panel.receive({ method: 'webview/ready', params: {} });
    const models = () => spy.sent.filter((m) => m.method === 'panel/model').length;
    await waitFor('the webview\'s own ready', () => models() >= 2, 10_000).catch(() => undefined);
    const labels = () => modelAtWebview(spy.sent)?.overview.series.map((s) => `${s.label}×${s.seeds}`).join(', ');
    await waitFor('the sibling in the model', () => labels() === 'random×1, rea×1');
    // Another seed of the same searcher, started while the panel is open, joins its line.
    await run({ searcher: 'random', seed: 1 });
    await waitFor('the new seed in a delta', () => labels() === 'random×2, rea×1');
    const lastModel = spy.sent.map((m) => m.method).lastIndexOf('panel/model');
    assert.ok(spy.sent.slice(lastModel).some((m) => m.method === 'panel/delta' && m.params.delta.overview.series[0].seeds === 2), 'it came as a delta');
    const random = modelAtWebview(spy.sent)!.overview.series[0];
    assert.ok(random.low !== null && random.high !== null, 'two seeds of one searcher: IQM with a band');
    assert.ok(random.value.every((v, i) => random.low![i] <= v + 1e-12 && v <= random.high![i] + 1e-12), 'the line lies in its band');
    spy.restore();
    panel.panel.dispose();
  });

  suite('requests and commands', () => {
    let server: FakeLlmHandle;
    let panel: StudyPanel;
    let spy: Spy;
    suiteSetup(async function () {
      this.timeout(300_000);
      server = await startTestEndpoint();
      const opened = await openPanelOf(api, { searcher: 'llambo', hours: 0.5, rMax: 27, seed: 21 });
      panel = opened.panel;
      const headline = await panel.session.ended;
      assert.equal(headline.status, 'finished', headline.message);
      spy = spyOn(panel);
      // The host answers from the model it folded on ready (whether or not the webview said it yet).
      panel.receive({ method: 'webview/ready', params: {} });
    });
    suiteTeardown(async () => {
      spy?.restore();
      panel?.panel.dispose();
      await stopTestEndpoint(server);
    });

    const firstCall = () => {
      const call = panel.session.events.find((e) => e.type === 'llmCall' && e.component === 'sampler');
      assert.ok(call && call.type === 'llmCall', 'the study made sampler calls');
      return call;
    };

    test('LLM call text and search come from the host', async () => {
      const call = firstCall();
      const text = await ask(panel, spy, 'panel/llmCallText', { callId: call.callId });
      const result = text.result as { callId: string; messages: { content: string }[]; reply: string | null };
      assert.equal(result.callId, call.callId);
      assert.deepEqual(result.messages.map((m) => m.content), call.messages.map((m) => m.content));
      assert.equal(result.reply, call.reply);
      const missing = await ask(panel, spy, 'panel/llmCallText', { callId: 'no-such-call' });
      assert.match(missing.error ?? '', /not in this study's log/);

      const word = /\b[a-z_]{6,}\b/.exec(call.reply ?? '')?.[0] ?? 'nor_conv_3x3';
      const search = await ask(panel, spy, 'panel/searchLlmCalls', { query: word.toUpperCase() });
      const hits = (search.result as { hits: { callId: string }[] }).hits;
      assert.ok(hits.length > 0, `"${word}" finds calls`);
      for (const hit of hits) {
        const found = panel.session.events.find((e) => e.type === 'llmCall' && e.callId === hit.callId);
        assert.ok(found?.type === 'llmCall', `${hit.callId} is a call of the study`);
        const all = [...found.messages.map((m) => m.content), found.reply ?? ''].join('\n').toLowerCase();
        assert.ok(all.includes(word.toLowerCase()), `${hit.callId} contains "${word}"`);
      }
      const none = await ask(panel, spy, 'panel/searchLlmCalls', { query: 'zq-no-such-text-qz' });
      assert.deepEqual((none.result as { hits: unknown[] }).hits, []);
    });

    test('copy puts the prompt or the reply on the clipboard; "open as editor tab" opens it as a named read-only Markdown document', async () => {
      const call = firstCall();
      panel.receive({ method: 'webview/copyLlmCall', params: { callId: call.callId, part: 'reply' } });
      const reply = await pollClipboard((text) => text === call.reply);
      assert.equal(reply, call.reply);
      panel.receive({ method: 'webview/copyLlmCall', params: { callId: call.callId, part: 'prompt' } });
      const prompt = await pollClipboard((text) => text.startsWith('['));
      assert.ok(call.messages.every((m) => prompt.includes(m.content)), 'every message of the prompt');

      panel.receive({ method: 'webview/openLlmCall', params: { callId: call.callId } });
      const path = `/${panel.session.id}/call-${call.callId}.md`;
      const document = await waitFor('the Markdown tab', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'llambo-nas' && d.uri.path === path));
      assert.equal(document.isUntitled, false, 'a named document, not an Untitled buffer');
      assert.equal(document.languageId, 'markdown');
      assert.ok(document.getText().startsWith(`# LLM call ${call.callId}`));
      assert.ok(document.getText().includes(call.reply ?? '\u0000'));
      // The document exists once opened; its tab only once showTextDocument has put it in an editor group.
      const tab = await waitFor('the tab of the document', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === document.uri.toString()));
      assert.equal(tab.label, `call-${call.callId}.md`, 'the tab is named after the call');
      await vscode.window.tabGroups.close(tab);
    });

    test('saved files go to nas-results/<study>/ under a fresh name, never over an existing one', async () => {
      const folder = join(api.services.resultsRoot, panel.session.id);
      rmSync(folder, { recursive: true, force: true });
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
      const first = await ask(panel, spy, 'panel/saveFile', { fileName: 'chart.png', kind: 'png', encoding: 'base64', data: png.toString('base64') });
      const second = await ask(panel, spy, 'panel/saveFile', { fileName: 'chart.png', kind: 'png', encoding: 'base64', data: png.toString('base64') });
      const sneaky = await ask(panel, spy, 'panel/saveFile', { fileName: '../../trials', kind: 'csv', encoding: 'utf8', data: 'trial,error\n1,0.1\n' });
      const wrong = await ask(panel, spy, 'panel/saveFile', { fileName: 'x.png', kind: 'png', encoding: 'utf8', data: 'not base64' });
      assert.equal((first.result as { path: string }).path, `nas-results/${panel.session.id}/chart.png`);
      assert.equal((second.result as { path: string }).path, `nas-results/${panel.session.id}/chart-1.png`);
      assert.equal((sneaky.result as { path: string }).path, `nas-results/${panel.session.id}/trials.csv`);
      assert.match(wrong.error ?? '', /base64/);
      assert.deepEqual(readFileSync(join(folder, 'chart.png')), png);
      assert.deepEqual(readFileSync(join(folder, 'chart-1.png')), png);
      assert.equal(readFileSync(join(folder, 'trials.csv'), 'utf8'), 'trial,error\n1,0.1\n');
      assert.ok(!existsSync(join(folder, 'x.png')));
      rmSync(folder, { recursive: true, force: true });
    });

    test('"Open cell" shows the cell as a named read-only Markdown page with its diagram', async function () {
      this.timeout(320_000);
      const arch = panel.session.headline.incumbent!.arch;
      panel.receive({ method: 'webview/openArch', params: { arch } });
      // A hang guard, not a speed claim: with a second test run on the same two cores the workbench page took
      // 57 s to hand the document back, so this one waits up to 150 s (mocha's limit is 180 s).
      const document = await waitFor('the cell page', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'llambo-nas' && d.uri.path.startsWith('/cells/cell-') && d.getText().includes(arch)), 150_000);
      assert.equal(document.isUntitled, false, 'a named document, not an Untitled buffer');
      assert.ok(document.getText().startsWith('# NB201 cell'));
      assert.match(document.getText(), /!\[Cell: [^\]]*\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]{200,}\)/);
      assert.equal(document.getText().split('\n').filter((l) => /^\| \d→\d \|/.test(l)).length, 6, 'one row per edge');
      const previews = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && /markdown/i.test(t.input.viewType));
      await waitFor('the Markdown preview beside the panel', () => previews().length > 0, 150_000);
      await vscode.window.tabGroups.close(previews());
    });
  });
});

/** Reads the clipboard until `accept` likes it (the copy command runs asynchronously). */
async function pollClipboard(accept: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const text = await vscode.env.clipboard.readText();
    if (accept(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 20));
  }
}
