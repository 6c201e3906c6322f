/// <reference types="mocha" />
/**
 * LLAMBO studies in the worker against a scripted OpenAI-compatible server that this test starts in
 * the extension host (127.0.0.1:0): the settings become the spec's llm section, the key from
 * SecretStorage reaches the endpoint but no file and no log line, llmCall events and the reply cache
 * are persisted, Stop ends a study whose endpoint holds its replies (without waiting for them) and drops
 * its HTTP requests, the export carries the transcript, the LLM totals and the curves, and the prompt folder
 * setting overrides the templates the LLM sees.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import type { FakeLlmHandle } from '../support/fakeLlmServer';
import { activateExtension, ScriptedPrompter, waitFor, withPrompter } from './testExtension';
import {
  extensionLogFiles, FAKE_MODEL, filesContaining, jsonLines, noiseResponder, heldResponder, startTestEndpoint, stopTestEndpoint,
} from './llmTestEndpoint';

const KEY = `sk-llambo-test-${Date.now().toString(36)}-do-not-persist`;
/** A LLAMBO study that makes ~70 requests and ~100 trials (r_max 27 keeps the rungs small). */
const SHORT_LLAMBO = { searcher: 'llambo', hours: 1, workers: 4, rMax: 27, seed: 1 } as const;

interface LlmCallLine { type: string; component: string; messages: { role: string; content: string }[]; reply: string | null; cacheHit?: boolean }

suite('LLAMBO study in the worker', () => {
  let api: LlamboNasApi;
  let server: FakeLlmHandle;
  let studyId: string;

  suiteSetup(async () => {
    api = await activateExtension();
    server = await startTestEndpoint();
    await api.services.apiKeys.set(KEY);
  });
  suiteTeardown(async () => {
    await api.services.apiKeys.clear();
    await stopTestEndpoint(server);
  });
  setup(() => server.setResponder(noiseResponder));

  test('runs on the endpoint the settings name, persists its llmCall events and never writes the key', async () => {
    studyId = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: SHORT_LLAMBO, openPanel: false });
    const session = api.services.registry.get(studyId)!;
    const headline = await session.ended;
    assert.equal(headline.status, 'finished', headline.message);
    assert.equal(headline.searcher, 'llambo');

    const onDisk = jsonLines<LlmCallLine>(join(session.dir, 'events.jsonl'));
    const calls = onDisk.filter((e) => e.type === 'llmCall');
    assert.ok(calls.length >= 10, `${calls.length} llmCall events persisted`);
    assert.equal(calls.length, server.requests.length, 'one event per request the server received (nothing cached yet)');
    assert.ok(calls.some((c) => c.component === 'warmstart') && calls.some((c) => c.component === 'surrogate'));
    assert.ok(calls.every((c) => c.messages.length > 0 && typeof c.reply === 'string'));
    assert.equal(onDisk.length, session.events.length);

    const record = JSON.parse(readFileSync(join(session.dir, 'study.json'), 'utf8'));
    assert.equal(record.spec.llm.baseUrl, server.baseUrl);
    assert.equal(record.spec.llm.model, FAKE_MODEL);
    assert.equal(record.spec.llm.cacheMode, 'replay-or-live', 'the default cache mode');
    assert.equal(record.spec.llm.cachePath, 'llm-cache.jsonl');
    assert.equal(jsonLines(join(session.dir, 'llm-cache.jsonl')).length, server.requests.length, 'every reply recorded in the study folder');

    // The key went to the endpoint in memory...
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`));
    // ...and nowhere else: not in .nas-studies, not in the output channel's log.
    assert.deepEqual(filesContaining(api.services.registry.root, KEY), []);
    const logs = extensionLogFiles(api.services.context);
    await waitFor('the log line of this study', () => logs.some((f) => readFileSync(f, 'utf8').includes(`study ${studyId} started`)));
    assert.deepEqual(logs.filter((f) => readFileSync(f, 'utf8').includes(KEY)), []);
  });

  test('Stop ends a LLAMBO study while its endpoint holds every reply, and drops the HTTP requests', async () => {
    const held = heldResponder();
    server.setResponder(held.responder);
    const before = server.requests.length;
    try {
      const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { ...SHORT_LLAMBO, seed: 2 }, openPanel: false });
      const session = api.services.registry.get(id)!;
      await waitFor('a request in flight', () => server.requests.length > before && server.stats.inFlight > 0);
      assert.equal(session.running, true);
      const headline = await vscode.commands.executeCommand<{ status: string }>('llamboNas.stopStudy', id);
      // Order, not time: the study ended while no reply had been let go.
      assert.equal(held.released, 0, 'Stop did not wait for a reply');
      assert.equal(headline.status, 'cancelled');
      await waitFor('the server to see its requests dropped', () => server.stats.inFlight === 0);
      const onDisk = jsonLines<{ type: string }>(join(session.dir, 'events.jsonl'));
      assert.equal(onDisk[0].type, 'studyStarted');
      assert.ok(!existsSync(join(session.dir, 'running.lock')), 'the lock goes with the worker');
    } finally {
      held.release();
    }
  });

  test('export writes the LLM transcript, LLM totals and the curves as SVG', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'nas-llm-export-')), studyId);
    await vscode.commands.executeCommand('llamboNas.exportResults', { studyId, folder, openReport: false });
    const session = api.services.registry.get(studyId)!;
    const calls = session.events.filter((e) => e.type === 'llmCall');
    const transcript = jsonLines<LlmCallLine>(join(folder, 'llm-transcript.jsonl'));
    assert.equal(transcript.length, calls.length);
    assert.ok(transcript.every((t) => t.type === 'llmCall' && t.messages.length > 0));

    const report = readFileSync(join(folder, 'report.md'), 'utf8');
    assert.match(report, new RegExp(`Totals: ${calls.length} requests`));
    assert.match(report, /\| warmstart \| 1 \|/);
    assert.match(report, /\| \*\*total\*\* \| \d+ \|/);
    assert.match(report, new RegExp(`Model \`${FAKE_MODEL}\``));
    for (const svg of ['incumbent-curve.svg', 'llm-calls.svg']) {
      assert.match(report, new RegExp(`!\\[[^\\]]+\\]\\(${svg.replace('.', '\\.')}\\)`), `report embeds ${svg}`);
      const text = readFileSync(join(folder, svg), 'utf8');
      assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(text, /<path d="M[\d.]+ [\d.]+[HVL][^"]{30,}"/, `${svg} draws a curve`);
    }
    assert.deepEqual(filesContaining(folder, KEY), []);
  });

  test('templates copied by "Open prompt templates folder" override the prompts the LLM sees', async () => {
    const prompter = new ScriptedPrompter([
      { pick: (v) => (v as { kind: string }).kind === 'copy' },
      { pick: (v) => v === 'system.md' },
    ]);
    const folder = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<string>('llamboNas.openPromptTemplates')));
    assert.equal(folder, join(api.services.workspaceDir!, '.nas-prompts'));
    assert.equal(api.services.settings().promptsFolder, folder, 'the setting points at the copy');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, join(folder, 'system.md'));
    const marker = `Marker ${Date.now().toString(36)}: answer as a careful NAS researcher.`;
    appendFileSync(join(folder, 'system.md'), `\n${marker}\n`);

    const before = server.requests.length;
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { ...SHORT_LLAMBO, hours: 0.2, seed: 3 }, openPanel: false });
    const headline = await api.services.registry.get(id)!.ended;
    assert.equal(headline.status, 'finished', headline.message);
    const sent = server.requests.slice(before);
    assert.ok(sent.length > 0);
    assert.ok(sent.every((r) => (r.body.messages as { role: string; content: string }[]).some((m) => m.role === 'system' && m.content.includes(marker))),
      'every request carries the edited system prompt');
    const record = JSON.parse(readFileSync(join(api.services.registry.root, id, 'study.json'), 'utf8'));
    assert.equal(record.spec.searcherOptions.promptOverridesDir, folder);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
