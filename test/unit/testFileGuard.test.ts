// scripts/test-file-guard.cjs, which the unit and stats stages preload into every test file's process:
// without it node's runner counts a file that ends early as passed. Each case runs a small test file
// under node's runner, as test-node.mjs does, and reads the runner's summary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import test from 'node:test';

const GUARD = resolve(__dirname, '..', '..', 'scripts', 'test-file-guard.cjs');

interface RunnerSummary { pass: number; fail: number; output: string }

/** Runs `source` as one test file under node's runner, with or without the guard. */
function runTestFile(source: string, guarded: boolean): RunnerSummary {
  const dir = mkdtempSync(join(tmpdir(), 'guard-test-'));
  try {
    const file = join(dir, 'case.test.cjs');
    writeFileSync(file, source);
    // This process is itself a test file's: the runner below must not think it is one too.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const args = [...(guarded ? ['--require', GUARD] : []), '--test', '--test-reporter=spec', file];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    const output = `${run.stdout}${run.stderr}`;
    const count = (name: string) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(output)?.[1] ?? NaN);
    return { pass: count('pass'), fail: count('fail'), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const EXITS_MIDWAY = `const test = require('node:test');
test('runs', () => {});
test('ends the process', () => { process.exit(0); });
test('never runs', () => {});
`;
const EXITS_BEFORE_TESTS = `process.exit(0);
require('node:test')('never runs', () => {});
`;

test('without the guard node counts a file that exits midway as passed; with it the file fails and says why', () => {
  const bare = runTestFile(EXITS_MIDWAY, false);
  assert.deepEqual([bare.pass, bare.fail], [1, 0], bare.output);
  const guarded = runTestFile(EXITS_MIDWAY, true);
  assert.equal(guarded.fail, 1, guarded.output);
  assert.match(guarded.output, /exited \(code 0\) after 2 test\(s\) had started, before its tests finished/);
});

test('a file that exits before declaring its tests fails under the guard', () => {
  assert.deepEqual([runTestFile(EXITS_BEFORE_TESTS, false).fail], [0]);
  const guarded = runTestFile(EXITS_BEFORE_TESTS, true);
  assert.equal(guarded.fail, 1, guarded.output);
  assert.match(guarded.output, /before its tests finished/);
});

test('a file with no tests fails under the guard', () => {
  const guarded = runTestFile('// nothing here\n', true);
  assert.equal(guarded.fail, 1, guarded.output);
  assert.match(guarded.output, /ran no tests/);
});

test('a file whose tests all finish passes under the guard, suites and skips included, and a forked helper is left alone', () => {
  const guarded = runTestFile(`const test = require('node:test');
const { fork } = require('node:child_process');
test.describe('suite', () => { test.it('a', () => {}); test.it('b', () => {}); });
test('skipped', { skip: true }, () => {});
test('a forked child that exits early is not a test file', async () => {
  const helper = require('node:path').join(__dirname, 'helper.cjs');
  require('node:fs').writeFileSync(helper, 'process.exit(0);');
  const child = fork(helper, [], { execArgv: process.execArgv });
  const code = await new Promise((done) => child.on('exit', done));
  if (code !== 0) throw new Error('the guard changed a forked child\\'s exit code to ' + code);
});
`, true);
  assert.deepEqual([guarded.pass, guarded.fail], [3, 0], guarded.output);
});
