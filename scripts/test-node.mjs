// Runs one node:test stage: `node scripts/test-node.mjs unit` (test/unit/*.test.ts) or `... stats`
// (test/stats/*.test.ts, the claims over seeds, which print their statistics). Each test file is bundled
// with esbuild into out/<stage>-test/ (one bundle per file, so files stay isolated from each other as
// before), and node's test runner runs the bundles several files at a time. Starting tsx once per file
// cost about a second of CPU each; a bundle starts in a few milliseconds.
// Output is the spec reporter's, so it ends with node's summary lines ("ℹ pass N", "ℹ fail N") that
// scripts/run-tests.mjs counts. Extra arguments go to `node --test` (e.g. --test-name-pattern=...).
// scripts/test-file-guard.cjs fails a file whose process ends before its tests finish, or that runs none
// (node's runner would count either as passed).
// LLAMBO_TEST_CONCURRENCY sets how many files run at once (default: the CPU count, at least 2).
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAGES = ['unit', 'stats'];
// A hang guard per test, never a speed claim: the slowest stats test takes about 25 s on a quiet machine.
const HANG_GUARD_MS = 600_000;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [stage, ...runnerArgs] = process.argv.slice(2);
if (!STAGES.includes(stage)) {
  console.error(`Usage: node scripts/test-node.mjs <${STAGES.join('|')}> [node --test options]; got ${stage === undefined ? 'no stage' : `"${stage}"`}.`);
  process.exit(2);
}
const concurrency = concurrencyFromEnv(process.env.LLAMBO_TEST_CONCURRENCY);

const sourceDir = join(root, 'test', stage);
// Two levels below the root like test/<stage>/, so tests that resolve paths from __dirname still find dist/.
const outDir = join(root, 'out', `${stage}-test`);
const files = readdirSync(sourceDir).filter((f) => f.endsWith('.test.ts')).sort();
if (files.length === 0) {
  console.error(`No *.test.ts files in ${sourceDir}.`);
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
const started = Date.now();
await esbuild.build({
  absWorkingDir: root,
  entryPoints: files.map((f) => join(sourceDir, f)),
  outdir: outDir,
  outExtension: { '.js': '.cjs' },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
});
// compare's worker threads load compareWorker.js beside the code that starts them (src/cli/compareThreads.ts).
await esbuild.build({
  absWorkingDir: root, entryPoints: [join(root, 'src', 'cli', 'compareWorker.ts')], outfile: join(outDir, 'compareWorker.js'),
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
});
console.log(`${stage}: bundled ${files.length} test files in ${Date.now() - started} ms; running ${concurrency} at a time`);

const bundles = files.map((f) => join(outDir, f.replace(/\.ts$/, '.cjs')));
const child = spawn(process.execPath, [
  '--enable-source-maps', '--require', join(root, 'scripts', 'test-file-guard.cjs'), '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, `--test-timeout=${HANG_GUARD_MS}`,
  ...runnerArgs, ...bundles,
], { cwd: root, stdio: 'inherit' });
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

function concurrencyFromEnv(value) {
  if (value === undefined || value === '') return Math.max(2, availableParallelism());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`LLAMBO_TEST_CONCURRENCY must be a whole number of files (1 or more); got "${value}".`);
    process.exit(2);
  }
  return n;
}
