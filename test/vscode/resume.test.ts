/// <reference types="mocha" />
/**
 * A study whose window went away mid-run (its log ends without studyFinished and its lock names a
 * dead process) is listed as interrupted with a Resume item; resuming runs the same spec and seed
 * from the start, replays every recorded LLM reply (no new request reaches the endpoint), ends with
 * the same results, and keeps the interrupted log beside the new one. A study another window still
 * runs is neither interrupted nor resumable. The reload itself is in the UI smoke test; here the
 * panel serializer is driven directly, as VS Code does after a reload.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import type { StudyEvent } from '../../src/protocol';
import type { FakeLlmHandle } from '../support/fakeLlmServer';
import { activateExtension, waitFor } from './testExtension';
import { jsonLines, startTestEndpoint, stopTestEndpoint } from './llmTestEndpoint';

/** Makes a finished study look like one whose extension host died after `keep` events. */
function interrupt(dir: string, keep: number, lockPid: number): void {
  const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
  writeFileSync(join(dir, 'events.jsonl'), lines.slice(0, keep).join('\n') + '\n');
  writeFileSync(join(dir, 'running.lock'), JSON.stringify({ pid: lockPid, host: hostname(), started: new Date().toISOString() }) + '\n');
}

/** A pid that is surely not running: a finished child process's. */
function deadPid(): number {
  // ELECTRON_RUN_AS_NODE: in desktop VS Code the host's executable is Electron.
  return spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }).pid as number;
}

function summary(events: readonly StudyEvent[]): unknown {
  const finished = events.find((e) => e.type === 'studyFinished');
  return { count: events.length, finished: finished && { ...finished, seq: undefined } };
}

suite('resume an interrupted study', () => {
  let api: LlamboNasApi;
  let server: FakeLlmHandle;
  suiteSetup(async () => {
    api = await activateExtension();
    server = await startTestEndpoint();
  });
  suiteTeardown(async () => {
    await stopTestEndpoint(server);
  });

  test('an interrupted LLAMBO study resumes from its Resume item, replays its cached replies and ends the same', async () => {
    // 'record' never replays: only the resume's switch to replay-or-live can spare the endpoint below.
    const config = vscode.workspace.getConfiguration('llamboNas');
    await config.update('llm.cacheMode', 'record', vscode.ConfigurationTarget.Workspace);
    let id: string;
    try {
      id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'llambo', hours: 1, rMax: 27, seed: 5 }, openPanel: false });
    } finally {
      await config.update('llm.cacheMode', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const session = api.services.registry.get(id)!;
    assert.equal((await session.ended).status, 'finished');
    assert.equal(JSON.parse(readFileSync(join(session.dir, 'study.json'), 'utf8')).spec.llm.cacheMode, 'record');
    const original = summary(session.events);
    const originalIncumbent = session.headline.incumbent;
    const created = JSON.parse(readFileSync(join(session.dir, 'study.json'), 'utf8')).created;
    const keep = Math.floor(session.events.length / 2);
    interrupt(session.dir, keep, deadPid());
    api.services.registry.refresh();

    const reread = api.services.registry.get(id)!;
    assert.equal(reread.headline.status, 'interrupted');
    const tree = api.services.studiesTree;
    assert.ok(tree.getChildren().includes(id));
    assert.equal(tree.getTreeItem(id).contextValue, 'study.interrupted');
    const [resumeElement] = tree.getChildren(id);
    const resumeItem = tree.getTreeItem(resumeElement);
    assert.equal(resumeItem.label, 'Resume');
    assert.equal(resumeItem.command?.command, 'llamboNas.resumeStudy');

    const requestsBefore = server.requests.length;
    // What a click on the item runs.
    const resumed = await vscode.commands.executeCommand<string>(resumeItem.command!.command, ...(resumeItem.command!.arguments ?? []));
    assert.equal(resumed, id);
    const headline = await reread.ended;
    assert.equal(headline.status, 'finished', headline.message);
    assert.equal(server.requests.length, requestsBefore, 'no request reached the endpoint: every reply came from llm-cache.jsonl');
    const calls = reread.events.filter((e) => e.type === 'llmCall');
    assert.ok(calls.length > 0 && calls.every((e) => e.type === 'llmCall' && e.cacheHit === true), 'all LLM calls replayed');
    assert.deepEqual(summary(reread.events), original, 'same events, same outcome');
    assert.deepEqual(headline.incumbent, originalIncumbent);
    assert.equal(jsonLines(join(reread.dir, 'events.jsonl')).length, reread.events.length);
    assert.equal(jsonLines(join(reread.dir, 'events.interrupted-1.jsonl')).length, keep, 'the interrupted log is kept');
    const resumedRecord = JSON.parse(readFileSync(join(reread.dir, 'study.json'), 'utf8'));
    assert.equal(resumedRecord.created, created);
    assert.equal(resumedRecord.spec.llm.cacheMode, 'replay-or-live');
    await waitFor('the view to show it finished', () => tree.getTreeItem(id).contextValue === 'study.finished' && tree.getChildren(id).length === 0);
    // Close the panel Resume opened: a webview still loading while the next test creates one can
    // stall the second in code-server 1.100's service-worker handshake (fixed upstream later).
    api.services.panels.get(id)?.panel.dispose();
  });

  test('a study another window still runs is not resumable; once that window is gone it is interrupted', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'random', hours: 0.5, seed: 9 }, openPanel: false });
    const session = api.services.registry.get(id)!;
    await session.ended;
    // The parent of this extension host is alive and is not this process: "another window".
    interrupt(session.dir, 20, process.ppid);
    api.services.registry.refresh();
    const elsewhere = api.services.registry.get(id)!;
    assert.equal(elsewhere.headline.status, 'running');
    assert.match(elsewhere.headline.message ?? '', /another VS Code window/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('llamboNas.resumeStudy', { studyId: id, openPanel: false })), /still running in another window/);
    assert.equal(api.services.registry.recheckElsewhere(), false, 'still running there');
    // That window's extension host exits without removing its lock (as on a reload or a crash).
    writeFileSync(join(elsewhere.dir, 'running.lock'), JSON.stringify({ pid: deadPid(), host: hostname() }));
    assert.equal(api.services.registry.recheckElsewhere(), true);
    assert.equal(api.services.registry.get(id), elsewhere, 'updated in place, so an open panel follows');
    assert.equal(elsewhere.headline.status, 'interrupted');
    assert.equal((await elsewhere.ended).status, 'interrupted');
  });

  test('a baseline study resumes from its restored panel\'s Resume button to the same result; the panel follows the new run', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'rea', hours: 2, seed: 4 }, openPanel: false });
    const first = api.services.registry.get(id)!;
    await first.ended;
    const original = summary(first.events);
    interrupt(first.dir, 40, deadPid());
    api.services.registry.refresh();

    // After a reload VS Code hands the serializer a fresh panel and the state the webview saved.
    const panel = vscode.window.createWebviewPanel('llamboNas.studyPanel', 'restored', vscode.ViewColumn.Active, { enableScripts: true });
    await api.services.panels.deserializeWebviewPanel(panel, { studyId: id });
    const restored = await waitFor('the restored panel', () => api.services.panels.get(id));
    assert.equal(restored.panel, panel);
    await waitFor('the webview/ready handshake', () => restored.isReady);
    assert.equal(restored.session.headline.status, 'interrupted');

    // What the Resume button of the panel's interrupted banner sends.
    restored.receive({ method: 'webview/resumeStudy', params: {} });
    await waitFor('the resumed run', () => restored.session.headline.status !== 'interrupted');
    const headline = await restored.session.ended;
    assert.equal(headline.status, 'finished');
    assert.deepEqual(summary(restored.session.events), original);
    panel.dispose();
  });
});
