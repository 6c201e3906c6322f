import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { BYTES_PER_RESULT, checkStudyFits, estimateStudySize } from '../../src/core/study/studySize';
import { parseStudySpec, StudySpecError } from '../../src/core/study/studySpec';
import { makeFakeBenchmark } from '../support/fakeBenchmark';

async function cli(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  const out: CommandOutput = { stdout: () => undefined, stderr: (l) => stderr.push(l), progressStream: process.stderr };
  const code = await runCli(argv, out, undefined, {});
  return { code, stderr: stderr.join('\n') };
}

function withRoot(body: (root: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'run-limits-'));
  return body(root).finally(() => rmSync(root, { recursive: true, force: true }));
}

const benchmark = makeFakeBenchmark({ epochSeconds: 10 });

test('the size estimate: workers x budget / mean epoch time, capped by max trials x r_max; the limit is half the heap', () => {
  const size = estimateStudySize(parseStudySpec({ searcher: 'random', workers: 4, hours: 5 }), benchmark, 1_000_000_000);
  assert.deepEqual(size, { results: 7200, meanEpochSeconds: 10, maxResults: Math.floor(500_000_000 / BYTES_PER_RESULT) });
  assert.equal(estimateStudySize(parseStudySpec({ searcher: 'random', workers: 4, hours: 5, maxTrials: 10 }), benchmark).results, 2000);
});

test('a study larger than the heap allows is refused before it starts, naming the limit and what to lower', () => {
  const spec = parseStudySpec({ searcher: 'random', workers: 4, hours: 5 });
  const heapFor = (results: number) => results * BYTES_PER_RESULT * 2;
  assert.doesNotThrow(() => checkStudyFits(spec, benchmark, heapFor(7200)));
  assert.throws(() => checkStudyFits(spec, benchmark, heapFor(7199)), (error: unknown) => error instanceof StudySpecError &&
    /^spec\.workers: the study is too large for this process's memory: about 7,200 results \(4 workers x 5 h \/ 10\.0 s mean epoch time of .*\).* the limit is 7,199 results .*at 4 workers at most 5\.00 h fit.*--max-trials/.test(error.message));
  assert.doesNotThrow(() => checkStudyFits(parseStudySpec({ ...spec, maxTrials: 10 }), benchmark, heapFor(7199)), 'max trials bound it');
});

test('CLI: a run refused by validation leaves no folder behind (--r-max 201, single study and baselines)', () => withRoot(async (root) => {
  for (const args of [['--searcher', 'random'], []]) {
    const out = join(root, `out${args.length}`);
    const result = await cli('study', ...args, '--r-max', '201', '--out', out);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--r-max: must be an integer in \[1, 200\] \(got 201\)/);
    assert.equal(existsSync(out), false, `${out} was created`);
  }
}));

test('CLI: --workers 256 --hours 500 is refused at once with the limit and the flags to lower, and writes nothing', () => withRoot(async (root) => {
  const out = join(root, 'big');
  const result = await cli('study', '--searcher', 'random', '--workers', '256', '--hours', '500', '--out', out);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^error: --workers \(spec\.workers\): the study is too large for this process's memory: about [\d,]+ results \(256 workers x 500 h .*the limit is [\d,]+ results .*at 256 workers at most [\d.]+ h fit/);
  assert.equal(existsSync(out), false);
}));
