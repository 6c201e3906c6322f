import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXTRA_CA_CERTS_VARIABLE, timeFreshEventLog, timeFreshStudies, withoutExtraCaCerts } from '../../src/cli/benchProcesses';
import { readEventLog } from '../../src/core/study/eventLog';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const skip = existsSync(CLI) ? false : `${CLI} is missing (npm test builds it first)`;

test('withoutExtraCaCerts removes only NODE_EXTRA_CA_CERTS, from a copy', () => {
  const env = { [EXTRA_CA_CERTS_VARIABLE]: '/certs.pem', PATH: '/bin' };
  assert.deepEqual(withoutExtraCaCerts(env), { PATH: '/bin' });
  assert.equal(env[EXTRA_CA_CERTS_VARIABLE], '/certs.pem');
});

test('fresh study processes report each figure once per process, in the environment given', { skip }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'llambo-nas-bench-test-'));
  try {
    const times = timeFreshStudies(CLI, 2, scratch, withoutExtraCaCerts(process.env));
    for (const figure of [times.processWallMs, times.processCpuMs, times.peakRssMiB, times.tableLoadMs, times.coldStudyMs, times.nodeStartMs]) {
      assert.equal(figure.length, 2);
      for (const value of figure) assert.ok(Number.isFinite(value) && value > 0, `${value} is a positive figure`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('the fresh event-log figure times each seed once without a log and once writing one, which reads back whole', { skip }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'llambo-nas-bench-test-'));
  try {
    const times = timeFreshEventLog(CLI, 2, scratch, withoutExtraCaCerts(process.env));
    assert.equal(times.plainMs.length, 2);
    assert.equal(times.loggedMs.length, 2);
    for (const value of [...times.plainMs, ...times.loggedMs]) assert.ok(Number.isFinite(value) && value > 0, `${value} is a positive figure`);
    for (const seed of [0, 1]) {
      const log = readEventLog(join(scratch, `log-s${seed}`));
      assert.equal(log.truncatedTail, false);
      assert.equal(log.events[0].type, 'studyStarted');
      assert.equal(log.events.at(-1)?.type, 'studyFinished');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
