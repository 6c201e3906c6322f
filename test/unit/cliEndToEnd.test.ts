import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const built = existsSync(CLI);
const skip = built ? false : `${CLI} is missing (npm test builds it first)`;

// Without the developer's LLM settings, so the default study is the baselines, never a paid endpoint.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OPENAI_API_KEY|LLAMBO_BASE_URL|LLAMBO_MODEL)$/.test(name)));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('study --json: one JSON line with the summary; a default 5 h / 4-worker random study matches the peer figures', { skip }, () => {
  const result = run('study', '--searcher', 'random', '--scheduler', 'sync-hyperband', '--workers', '4', '--hours', '5', '--seed', '0', '--json');
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one line on stdout');
  const summary = JSON.parse(lines[0]);
  for (const key of ['searcher', 'scheduler', 'seed', 'table', 'trialsStarted', 'resultsReported', 'bestError', 'bestErrorAtMax', 'incumbentArch', 'simulatedSeconds', 'wallMs']) {
    assert.ok(key in summary, `missing ${key}`);
  }
  assert.equal(summary.searcher, 'random');
  assert.equal(summary.scheduler, 'sync-hyperband');
  assert.equal(summary.seed, 0);
  assert.match(summary.table, /model-generated/);
  assert.ok(summary.trialsStarted >= 330 && summary.trialsStarted <= 470, `trialsStarted ${summary.trialsStarted}`);
  assert.ok(summary.resultsReported >= 2800 && summary.resultsReported <= 4300, `resultsReported ${summary.resultsReported}`);
  assert.ok(summary.bestErrorAtMax >= summary.bestError && summary.bestErrorAtMax < 0.1);
  assert.ok(summary.simulatedSeconds >= 18000 && summary.simulatedSeconds < 18000 + 3600);
  assert.match(summary.incumbentArch, /^\|\w+~0\|\+\|\w+~0\|\w+~1\|\+\|\w+~0\|\w+~1\|\w+~2\|$/);
});

test('text output names the table and says how to get the exact one', { skip }, () => {
  const result = run('study', '--searcher', 'random', '--hours', '1', '--seed', '3');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /trials started +\d+/);
  assert.match(result.stdout, /epochs 1-199 of this table are model-generated/);
  assert.match(result.stdout, /import-table/);
});

test('bad flags exit with code 2; unusable tables with code 1', { skip }, () => {
  const bad = run('study', '--wrokers', '4');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--wrokers/);
  assert.equal(bad.stdout, '');
  assert.equal(run('study', '--clock', 'wall').code, 2);
  const noTable = run('study', '--table', join(tmpdir(), 'missing-table.bin.gz'), '--json');
  assert.equal(noTable.code, 1);
  assert.equal(noTable.stderr.trim().split('\n').length, 1, 'one line');
});

test('study --out, then export to Syne Tune and CSV formats; exports never overwrite silently', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
  try {
    const studyDir = join(dir, 'study');
    const saved = run('study', '--searcher', 'rea', '--hours', '1', '--seed', '5', '--tag', 'e2e', '--out', studyDir, '--json');
    assert.equal(saved.code, 0, saved.stderr);
    const summary = JSON.parse(saved.stdout);
    assert.equal(JSON.parse(readFileSync(join(studyDir, 'study.json'), 'utf8')).studyId, summary.studyId);
    assert.equal(run('study', '--searcher', 'rea', '--hours', '1', '--out', studyDir).code, 1, 'a folder holding a study is refused');

    const out = join(dir, 'export');
    const st = run('export', '--study', studyDir, '--format', 'synetune', '--out', out);
    assert.equal(st.code, 0, st.stderr);
    const csv = strFromU8(unzipSync(readFileSync(join(out, 'results.csv.zip')))['results.csv']).trimEnd().split('\n');
    assert.equal(csv.length - 1, summary.resultsReported);
    const metadata = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
    assert.equal(metadata.algorithm, 'rea-sync-hyperband');
    assert.equal(metadata.tag, 'e2e');
    assert.equal(metadata.seed, 5);

    const again = run('export', '--study', studyDir, '--format', 'synetune', '--out', out);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /refusing to overwrite/);
    assert.equal(run('export', '--study', studyDir, '--format', 'synetune', '--out', out, '--force').code, 0);

    const trials = run('export', '--study', studyDir, '--format', 'csv', '--out', out);
    assert.equal(trials.code, 0, trials.stderr);
    const rows = readFileSync(join(out, 'trials.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(rows.length - 1, summary.trialsStarted);
    assert.match(rows[0], /^table,study_id,trial_id,arch,hp_x0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare --json aggregates every entry over the seeds', { skip }, () => {
  const result = run('compare', '--searchers', 'random,rea@asha', '--seeds', '3', '--json');
  assert.equal(result.code, 0, result.stderr);
  const comparison = JSON.parse(result.stdout);
  assert.deepEqual(comparison.rows.map((r: { label: string }) => r.label), ['random', 'rea@asha']);
  assert.equal(comparison.runs.length, 6);
  for (const row of comparison.rows) {
    assert.equal(row.runs, 3);
    assert.equal(row.bestErrorAtMax.n + row.bestErrorAtMax.missing, 3);
    assert.ok(row.bestErrorAtMax.n > 0, `${row.label}: no seed reached epoch 200 in 5 h`);
    assert.ok(row.bestErrorAtMax.ciLow <= row.bestErrorAtMax.iqm && row.bestErrorAtMax.iqm <= row.bestErrorAtMax.ciHigh);
    assert.ok(Math.abs(row.regret.iqm - (row.bestErrorAtMax.iqm - comparison.optimumError)) < 1e-12);
  }
});
