/// <reference types="mocha" />
/**
 * A study runs in the worker thread, its events reach the host and events.jsonl alike, and Stop ends
 * a long study within one second, keeping every event the host had already seen on disk.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import { activateExtension, waitFor } from './testExtension';

function persistedEvents(dir: string): { type: string; seq: number }[] {
  return readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

suite('study in the worker', () => {
  let api: LlamboNasApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });

  test('a short baseline study finishes and persists every event it reported', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'random', hours: 0.5, workers: 2, seed: 3 }, openPanel: false });
    assert.equal(typeof id, 'string');
    const session = api.services.registry.get(id)!;
    const headline = await session.ended;
    assert.equal(headline.status, 'finished');
    assert.ok(headline.trialsStarted > 0 && headline.resultsReported > 0, JSON.stringify(headline));
    assert.ok(headline.incumbent !== null && headline.incumbent.error > 0 && headline.incumbent.error < 1);
    assert.ok(existsSync(join(session.dir, 'study.json')));
    const onDisk = persistedEvents(session.dir);
    assert.equal(onDisk.length, session.events.length);
    assert.deepEqual(onDisk.map((e) => e.seq), session.events.map((e) => e.seq));
    assert.equal(onDisk[0].type, 'studyStarted');
    assert.equal(onDisk[onDisk.length - 1].type, 'studyFinished');
    assert.ok(session.dir.includes('.nas-studies'), session.dir);
    assert.match(api.services.statusBar.text, /trials/);
  });

  test('Stop ends a long study long before its budget and keeps the results so far', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'random', hours: 900, workers: 4 }, openPanel: false });
    const session = api.services.registry.get(id)!;
    await waitFor('the first results', () => session.headline.resultsReported >= 50);
    assert.equal(session.running, true);
    // Mid-run, every event the host has seen is already on disk: a window reload now would lose none.
    const seenMidRun = session.events.length;
    assert.ok(persistedEvents(session.dir).length >= seenMidRun, 'events the host saw are persisted before they are posted');
    const seen = session.events.length;
    // Not timed: the proof that Stop interrupts the run is that it ends 5,000 simulated hours early.
    const headline = await vscode.commands.executeCommand<{ status: string; simulatedSeconds: number }>('llamboNas.stopStudy', id);
    assert.equal(headline.status, 'cancelled');
    assert.ok(headline.simulatedSeconds < 900 * 3600, 'stopped before the budget');
    assert.equal(session.running, false);
    const onDisk = persistedEvents(session.dir);
    assert.ok(onDisk.length >= seen, `${onDisk.length} events on disk, the host had seen ${seen}`);
  });

  test('two studies started at once get their own folders and complete logs', async () => {
    const spec = { spec: { searcher: 'local', hours: 1, seed: 7 }, openPanel: false };
    const ids = await Promise.all([
      vscode.commands.executeCommand<string>('llamboNas.startStudy', spec),
      vscode.commands.executeCommand<string>('llamboNas.startStudy', spec),
    ]);
    assert.notEqual(ids[0], ids[1]);
    const sessions = ids.map((id) => api.services.registry.get(id)!);
    const headlines = await Promise.all(sessions.map((s) => s.ended));
    assert.deepEqual(headlines.map((h) => h.status), ['finished', 'finished']);
    const logs = sessions.map((s) => persistedEvents(s.dir));
    for (const [i, log] of logs.entries()) {
      assert.deepEqual(log.map((e) => e.seq), log.map((_e, k) => k), `study ${i}: seq 0..n-1 without gaps or interleaving`);
      assert.equal(log.length, sessions[i].events.length);
    }
    // Same spec and seed: the simulation is deterministic, so both logs hold the same number of events.
    assert.equal(logs[0].length, logs[1].length);
  });

  test('a bad spec is refused with the field named', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('llamboNas.startStudy', { spec: { searcher: 'random', workers: 0 }, openPanel: false })),
      /spec\.workers/,
    );
  });
});
