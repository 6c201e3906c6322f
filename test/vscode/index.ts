/**
 * The Mocha entry the extension host calls (`extensionTestsPath` = dist/test/index): runs every
 * dist/test/*.test.js and, when LLAMBO_NAS_TEST_RESULTS names a file, writes the pass/fail counts
 * and each failure there, so the outer script can report them without scraping logs.
 * Mocha is bundled in (test files use its globals), so the host needs no node_modules.
 * The same `run()` serves code-server (scripts/test-vscode.mjs) and @vscode/test-electron.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface SuiteResults {
  readonly tests: readonly { readonly title: string; readonly state: 'passed' | 'failed' | 'pending'; readonly ms?: number }[];
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly failures: readonly { readonly title: string; readonly message: string }[];
  readonly durationMs: number;
}

export function run(): Promise<void> {
  // Per test, a hang guard above the tests' own 60 s waits (testExtension.ts HANG_GUARD_MS), not a speed claim.
  const mocha = new Mocha({ ui: 'tdd', timeout: 180_000, color: false, reporter: 'spec' });
  const grep = process.env.LLAMBO_NAS_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, file));
  const started = Date.now();
  const failures: { title: string; message: string }[] = [];
  const tests: { title: string; state: 'passed' | 'failed' | 'pending'; ms?: number }[] = [];
  return new Promise((resolve, reject) => {
    let passed = 0;
    let pending = 0;
    const runner = mocha.run((failed) => {
      const results: SuiteResults = { tests, passed, failed, pending, failures, durationMs: Date.now() - started };
      const out = process.env.LLAMBO_NAS_TEST_RESULTS;
      if (out) writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
      console.log(`[llambo-nas tests] ${passed} passed, ${failed} failed`);
      if (failed > 0) reject(new Error(`${failed} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => { passed++; tests.push({ title: test.fullTitle(), state: 'passed', ms: test.duration }); });
    runner.on('pending', (test) => { pending++; tests.push({ title: test.fullTitle(), state: 'pending' }); });
    runner.on('fail', (test, error: Error) => {
      tests.push({ title: test.fullTitle(), state: 'failed', ms: test.duration });
      failures.push({ title: test.fullTitle(), message: error?.stack ?? String(error) });
    });
  });
}
