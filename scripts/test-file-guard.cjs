// Preloaded (`--require`) into each test file's process by scripts/test-node.mjs. node's test runner
// counts a file whose process ends early as passed: a file that exits before its tests run is reported
// as one passing "test" named after the file, and tests after a process.exit() are never reported at all.
// That once hid 36 tests in 12 files (the CLI exited once its output was written). This guard fails the
// file instead: its process must reach the end of its tests, and it must have run at least one.
// Only in the test file's own main thread: not in the runner, in forked helpers or in worker threads.
'use strict';
const { isMainThread } = require('node:worker_threads');

const isTestFileProcess = process.env.NODE_TEST_CONTEXT !== undefined && isMainThread
  && /\.test\.c?js$/.test(process.argv[1] ?? '');

if (isTestFileProcess) {
  const { after, beforeEach } = require('node:test');
  let testsStarted = 0;
  let finished = false;
  beforeEach(() => { testsStarted++; });
  after(() => { finished = true; });
  process.on('exit', (code) => {
    if (finished && testsStarted > 0) return;
    const file = process.argv[1];
    process.stderr.write(finished
      ? `\n${file} ran no tests: it declares none, or skips them all. A file with nothing to run is a mistake, not a pass.\n`
      : `\n${file} exited (code ${code}) after ${testsStarted} test(s) had started, before its tests finished: ` +
        'something called process.exit(). The tests that did not run are not passes; find the exit (e.g. code under test that ends the process).\n');
    process.exitCode = 1;
  });
}
