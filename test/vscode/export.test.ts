/// <reference types="mocha" />
/** Export results writes the Syne Tune, CSV, JSONL, transcript, chart and report files and never overwrites silently. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { exportCommand } from '../../src/cli/exportCommand';
import type { CommandOutput } from '../../src/cli/commandOutput';
import type { LlamboNasApi } from '../../src/extension/extension';
import { activateExtension } from './testExtension';

const FILES = ['results.csv.zip', 'metadata.json', 'trials.csv', 'trials.jsonl', 'llm-transcript.jsonl', 'incumbent-curve.svg', 'report.md'];

suite('export', () => {
  let api: LlamboNasApi;
  let studyId: string;
  suiteSetup(async () => {
    api = await activateExtension();
    studyId = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'rea', hours: 1, seed: 1 }, openPanel: false });
    await api.services.registry.get(studyId)!.ended;
  });

  test('writes every export file into the chosen folder', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'nas-export-')), studyId);
    const written = await vscode.commands.executeCommand<string>('llamboNas.exportResults', { studyId, folder, openReport: false });
    assert.equal(written, folder);
    for (const file of FILES) assert.ok(existsSync(join(folder, file)), `${file} written`);
    const metadata = JSON.parse(readFileSync(join(folder, 'metadata.json'), 'utf8'));
    assert.deepEqual(metadata.metric_names, ['metric_valid_error']);
    assert.equal(metadata.study_id, studyId);
    const csvLines = readFileSync(join(folder, 'trials.csv'), 'utf8').trim().split('\n');
    assert.equal(csvLines.length - 1, api.services.registry.get(studyId)!.headline.trialsStarted, 'one CSV row per trial (plus header)');
    const report = readFileSync(join(folder, 'report.md'), 'utf8');
    assert.match(report, new RegExp(`# NAS study ${studyId}`));
    assert.match(report, /model-generated/, 'the report says where the numbers come from');
    assert.match(report, /!\[Incumbent error vs simulated time\]\(incumbent-curve\.svg\)/);
    assert.match(report, /No LLM calls/);
    assert.ok(!existsSync(join(folder, 'llm-calls.svg')), 'no LLM chart for a baseline');
    const svg = readFileSync(join(folder, 'incumbent-curve.svg'), 'utf8');
    const incumbents = api.services.registry.get(studyId)!.events.filter((e) => e.type === 'incumbentChanged').length;
    const path = /<path d="([^"]+)" fill="none" stroke="#1f77b4"/.exec(svg)?.[1] ?? '';
    assert.equal(path.split(/[MHV]/).filter(Boolean).length, 2 * incumbents + 1, 'one step per incumbent change, held to the end of the budget');
    assert.ok(statSync(join(folder, 'results.csv.zip')).size > 100);
  });

  test('writes the same files, byte for byte, as the CLI export of the study', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nas-export-parity-'));
    const folder = join(root, 'extension');
    await vscode.commands.executeCommand('llamboNas.exportResults', { studyId, folder, openReport: false });
    const cliFolder = join(root, 'cli');
    const out: CommandOutput = { stdout: () => undefined, stderr: () => undefined, progressStream: process.stderr };
    assert.equal(exportCommand(['--study', api.services.registry.get(studyId)!.dir, '--out', cliFolder], out), 0);
    const files = readdirSync(folder).sort();
    assert.deepEqual(readdirSync(cliFolder).sort(), files);
    for (const file of files) assert.ok(readFileSync(join(folder, file)).equals(readFileSync(join(cliFolder, file))), `${file} differs`);
  });

  test('refuses to overwrite an earlier export unless asked', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'nas-export-')), 'again');
    await vscode.commands.executeCommand('llamboNas.exportResults', { studyId, folder, openReport: false });
    const before = statSync(join(folder, 'report.md')).mtimeMs;
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('llamboNas.exportResults', { studyId, folder, openReport: false })), /overwrite/);
    assert.equal(statSync(join(folder, 'report.md')).mtimeMs, before);
    await vscode.commands.executeCommand('llamboNas.exportResults', { studyId, folder, openReport: false, overwrite: true });
  });
});
