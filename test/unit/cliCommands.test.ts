import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { ProgressBar, renderBar } from '../../src/cli/progressBar';
import { userCacheDir } from '../../src/cli/userCacheDir';
import { parseCompareEntries } from '../../src/core/study/compareRunner';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [], stderr: string[] = [];
  const out: CommandOutput = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), progressStream: process.stderr };
  const code = await runCli(argv, out, undefined, {}); // no OPENAI_API_KEY / LLAMBO_* from the developer's shell
  return { code, stdout, stderr };
}

test('no command prints the overview; every command has --help', async () => {
  const main = await cli();
  assert.equal(main.code, 0);
  assert.match(main.stdout.join('\n'), /Commands:[\s\S]*study[\s\S]*compare[\s\S]*export[\s\S]*import-table[\s\S]*brackets/);
  for (const command of ['study', 'compare', 'export', 'import-table', 'brackets', 'bench']) {
    const help = await cli(command, '--help');
    assert.equal(help.code, 0, command);
    assert.match(help.stdout.join('\n'), new RegExp(`Usage: node dist/cli.js ${command}`), command);
  }
});

test('bad command lines exit with code 2 and say what is wrong', async () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['study', '--bogus'], /--bogus/],
    [['study', '--workers', '0'], /--workers: must be an integer in \[1, 256\] \(got 0\)/],
    [['study', '--workers', 'four'], /--workers: must be a number \(got "four"\)/],
    [['study', '--searcher', 'llama'], /--searcher: must be one of random, bohb, rea, local/],
    [['study', '--hours=-1'], /--hours: must be a number in \(0, 1000\] \(got -1\)/],
    [['study', '--hours', '1', '--budget-seconds', '60'], /either --hours or --budget-seconds/],
    [['study', '--decision-time', 'modelled'], /--decision-seconds \(spec\.decisionTime\.secondsPerSuggestion\): required/],
    [['study', '--seed'], /--seed/],
    [['study', '--hours', '-1'], /--hours=-XYZ/],
    [['compare', '--searchers', 'random,llama'], /"llama" is not one of/],
    [['compare', '--searchers', 'random@warp'], /scheduler "warp"/],
    [['brackets', '--eta', '1'], /--eta: must be a number in \[2, 100\] \(got 1\)/],
    [['export', '--format', 'xml', '--study', 'x', '--out', 'y'], /--format: must be one of all, synetune, csv, jsonl/],
    [['import-table'], /exactly one of --from DIR or --download/],
  ];
  for (const [argv, message] of cases) {
    const result = await cli(...argv);
    assert.equal(result.code, 2, `${argv.join(' ')} -> ${result.code} ${result.stderr.join(' ')}`);
    assert.match(result.stderr.join('\n'), message, argv.join(' '));
  }
});

test('an unusable table is a one-line error with exit code 1', async () => {
  const result = await cli('study', '--table', join(tmpdir(), 'no-such-table.bin.gz'));
  assert.equal(result.code, 1);
  assert.equal(result.stderr.length, 1);
  assert.match(result.stderr[0], /^error: .*no-such-table\.bin\.gz/);
});

test('export of a folder that is not a study fails with exit code 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-export-'));
  try {
    const result = await cli('export', '--study', dir, '--format', 'csv', '--out', join(dir, 'out'));
    assert.equal(result.code, 1);
    assert.match(result.stderr.join('\n'), /not a study folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('brackets prints the geometric Hyperband table of DESIGN.md', async () => {
  const result = await cli('brackets', '--r-min', '1', '--eta', '3', '--r-max', '200', '--json');
  assert.equal(result.code, 0);
  const { brackets } = JSON.parse(result.stdout[0]);
  const shapes = brackets.map((b: { rungs: { slots: number; level: number }[] }) => b.rungs.map((r) => `${r.slots}@${r.level}`).join(' '));
  assert.deepEqual(shapes, [
    '243@1 81@3 27@9 9@27 3@81 1@200', '98@3 33@9 11@27 4@81 2@200', '41@9 14@27 5@81 2@200',
    '18@27 6@81 2@200', '9@81 3@200', '6@200',
  ]);
  assert.equal(brackets[5].epochs, 1200);
  const text = await cli('brackets');
  assert.match(text.stdout.join('\n'), /b0 +243@1 81@3 27@9 9@27 3@81 1@200/);
});

test('compare entries: searcher or searcher@scheduler, labelled, no duplicates', () => {
  assert.deepEqual(parseCompareEntries('random, bohb,rea@asha', 'sync-hyperband'), [
    { label: 'random', searcher: 'random', scheduler: 'sync-hyperband' },
    { label: 'bohb', searcher: 'bohb', scheduler: 'sync-hyperband' },
    { label: 'rea@asha', searcher: 'rea', scheduler: 'asha' },
  ]);
  assert.equal(parseCompareEntries('random@sync-hyperband', 'sync-hyperband')[0].label, 'random');
  assert.throws(() => parseCompareEntries('random,random', 'asha'), /duplicate/);
  assert.throws(() => parseCompareEntries(' , ', 'asha'), /at least one/);
});

test('a progress bar draws only on the TTY it is given; study --json never asks for the progress stream', async () => {
  const written: string[] = [];
  const fakeStream = (isTTY: boolean) => ({ isTTY, write: (text: string) => { written.push(text); return true; } }) as unknown as NodeJS.WriteStream;
  for (const bar of [new ProgressBar('x', undefined), new ProgressBar('x', fakeStream(false))]) {
    bar.update(1, 'done');
    bar.finish();
  }
  assert.deepEqual(written, []);
  const tty = new ProgressBar('x', fakeStream(true));
  tty.update(1, 'done');
  tty.finish();
  assert.deepEqual(written, [`\r${renderBar('x', 1, 'done')}\x1b[K`, '\r\x1b[K']);

  // Reading process.stderr makes it (a stream and its modules): a --json study has no bar, so it must not read it.
  let progressStreamReads = 0;
  const stdout: string[] = [];
  const out: CommandOutput = {
    stdout: (l) => stdout.push(l), stderr: () => undefined,
    get progressStream() { progressStreamReads++; return process.stderr; },
  };
  const code = await runCli(['study', '--searcher', 'random', '--hours', '0.5', '--json'], out, undefined, {});
  assert.equal(code, 0);
  assert.equal(stdout.length, 1);
  assert.equal(progressStreamReads, 0);
  await runCli(['study', '--searcher', 'random', '--hours', '0.5'], out, undefined, {});
  assert.equal(progressStreamReads, 1, 'a text study asks for it once, for its bar');
});

test('progress bar text and cache folder', () => {
  assert.equal(renderBar('study', 0.5, 'trials 10'), `study [${'#'.repeat(14)}${'.'.repeat(14)}]  50%  trials 10`);
  assert.equal(renderBar('x', 2), `x [${'#'.repeat(28)}] 100%`);
  assert.equal(userCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux'), join('/c', 'llambo-nas'));
  assert.equal(userCacheDir({ LLAMBO_NAS_CACHE: '/own' }, 'linux'), '/own');
});
