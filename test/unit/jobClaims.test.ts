import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimJobs, newJobClaims } from '../../src/cli/jobClaims';

test('job claims: each runner starts at its own stretch, helps with the others once it is done, and every job is claimed once', () => {
  const claims = newJobClaims(10);
  const runners = [0, 1, 2].map((r) => claimJobs(claims, 10, r, 3));
  const taken: number[][] = [[], [], []];
  // Runner 0 is slow (one job per round), runners 1 and 2 take two each.
  for (let round = 0; taken.flat().length < 10; round++) {
    runners.forEach((jobs, r) => {
      for (let k = 0; k < (r === 0 ? 1 : 2); k++) {
        const next = jobs.next();
        if (!next.done) taken[r].push(next.value);
      }
    });
    assert.ok(round < 10, 'the claims end');
  }
  assert.deepEqual(taken.map((t) => t[0]), [0, 3, 6], 'runner r starts at r x 10 / 3');
  assert.deepEqual(taken.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'every job once');
  assert.deepEqual(taken, [[0, 1], [3, 4, 5, 8], [6, 7, 9, 2]], 'each walks on from its start; the fast ones took job 2 of the slow one\'s stretch');
  assert.ok(runners.every((jobs) => jobs.next().done), 'nothing is left for anyone');
});

test('job claims: a lone runner takes the jobs in order; no jobs, no claims', () => {
  assert.deepEqual([...claimJobs(newJobClaims(4), 4, 0, 1)], [0, 1, 2, 3]);
  assert.deepEqual([...claimJobs(newJobClaims(0), 0, 0, 2)], []);
});
