import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { EventLogWriter, readEventLog } from '../../src/core/study/eventLog';
import { REPORT_FILE, studyExportOptions, writeStudyExport } from '../../src/core/study/studyExport';
import { runStudy } from '../../src/core/study/studyRunner';
import { fakeChat, noiseReplier } from '../support/llmResponders';
import { UNUSED_ENDPOINT } from '../support/llamboStudyHarness';

const benchmark = loadTable();

/** A persisted LLAMBO study (plain-function LLM double) on the bundled table, so every export file has content. */
async function persistedStudy(dir: string): Promise<void> {
  const log = new EventLogWriter(dir, { table: benchmark.info, now: () => new Date('2026-01-02T03:04:05.000Z') });
  try {
    await runStudy(
      { searcher: 'llambo', hours: 1, workers: 4, seed: 5, studyId: 'parity', llm: UNUSED_ENDPOINT, searcherOptions: { rejectDisconnected: false } },
      { benchmark, sinks: [log.sink], llm: { chat: fakeChat(noiseReplier) } },
    );
  } finally {
    log.close();
  }
}

async function cli(...argv: string[]): Promise<number> {
  const out: CommandOutput = { stdout: () => undefined, stderr: () => undefined, progressStream: process.stderr };
  return runCli(argv, out, undefined, {});
}

test('the CLI export writes the same files, byte for byte, as the extension export of one study', async () => {
  const root = mkdtempSync(join(tmpdir(), 'export-parity-'));
  try {
    const studyDir = join(root, 'study');
    await persistedStudy(studyDir);
    const cliDir = join(root, 'cli');
    assert.equal(await cli('export', '--study', studyDir, '--out', cliDir), 0);
    // What the extension's "Export results" runs once the user picked the folder (exportCommand.ts).
    const contents = readEventLog(studyDir);
    const extensionDir = join(root, 'extension');
    writeStudyExport(extensionDir, contents.events, { ...studyExportOptions(contents.record), overwrite: false });

    const files = readdirSync(cliDir).sort();
    assert.deepEqual(files, readdirSync(extensionDir).sort());
    assert.deepEqual(files, [
      'incumbent-curve.svg', 'llm-calls.svg', 'llm-transcript.jsonl', 'metadata.json', REPORT_FILE, 'results.csv.zip', 'trials.csv', 'trials.jsonl',
    ]);
    for (const file of files) assert.ok(readFileSync(join(cliDir, file)).equals(readFileSync(join(extensionDir, file))), `${file} differs`);

    const report = readFileSync(join(cliDir, REPORT_FILE), 'utf8');
    const headline = /Error at the table's last epoch, seed mean: (\d+\.\d+)% \(regret (\d+\.\d+) pp\)/.exec(report);
    assert.ok(headline, 'the headline names the seed mean and the regret (the table was found from study.json)');
    assert.ok(Number(headline[2]) >= 0);
    assert.ok(Number(headline[1]) >= 100 * benchmark.optimumError - 0.005);
    assert.match(report, /Observed single-seed error at epoch \d+/);
    assert.match(report, /Secondary \(best error at any epoch/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
