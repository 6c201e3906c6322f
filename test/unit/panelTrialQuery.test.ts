import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPanelDelta, upsert } from '../../src/core/panel/panelDelta';
import type { TrialView } from '../../src/core/panel/panelModel';
import { queryTrials, type TrialQuery } from '../../src/core/panel/trialQuery';
import { toArchString } from '../../src/core/nb201/searchSpace';
import { defaultViewState, restoreViewState } from '../../webview/panelViewState';

const trial = (id: number, ops: number[], extra: Partial<TrialView> = {}): TrialView => ({
  id, arch: toArchString(ops), ops, bracket: 0, bracketType: 0, rung: 0, epochs: 1, seed: 0, iso: null, source: 'random',
  predictedMean: null, predictedStd: null, ei: null, level: null, callIds: [], error: 0.5, bestError: 0.5, status: 'stopped',
  fallback: false, startTime: 0, bestErrorEpoch: 1, results: 1, stopReason: 'notPromoted', lastTime: 0, elapsed: 0, info: null, ...extra,
});

const TRIALS = [
  trial(0, [3, 3, 3, 3, 3, 3], { error: 0.2, ei: 0.01 }),
  trial(1, [1, 0, 0, 4, 0, 0], { error: null, status: 'failed', fallback: true }),
  trial(2, [2, 2, 2, 2, 2, 2], { error: 0.3, source: 'llambo', ei: 0.03 }),
  trial(12, [3, 1, 0, 3, 0, 2], { error: 0.2, status: 'running' }),
];
const query = (q: Partial<TrialQuery>) => queryTrials(TRIALS, { text: '', status: 'all', fallbackOnly: false, sort: { column: 'id', descending: false }, ...q }).map((t) => t.id);

test('filter: trial id, op names, source and status words, all words must match', () => {
  assert.deepEqual(query({ text: '#12' }), [12]);
  assert.deepEqual(query({ text: '12' }), [12], 'a bare number is a trial id, not a substring');
  assert.deepEqual(query({ text: 'avg_pool' }), [1]);
  assert.deepEqual(query({ text: 'NOR_CONV_3x3 skip' }), [12], 'case-insensitive; every word must match');
  assert.deepEqual(query({ text: 'llambo' }), [2]);
  assert.deepEqual(query({ status: 'running' }), [12]);
  assert.deepEqual(query({ fallbackOnly: true }), [1]);
  assert.deepEqual(query({ text: '  ' }), [0, 1, 2, 12]);
});

test('sort: any column either way, empty values last, ties by id', () => {
  assert.deepEqual(query({ sort: { column: 'error', descending: false } }), [0, 12, 2, 1]);
  assert.deepEqual(query({ sort: { column: 'error', descending: true } }), [2, 0, 12, 1], 'null stays last when descending');
  assert.deepEqual(query({ sort: { column: 'ei', descending: true } }), [2, 0, 1, 12]);
  assert.deepEqual(query({ sort: { column: 'status', descending: false } }), [1, 12, 0, 2]);
  assert.deepEqual(query({ sort: { column: 'fallback', descending: true } }), [1, 0, 2, 12]);
});

test('upsert replaces by key and appends new keys, whether or not the index guess is right', () => {
  const base = [{ id: 5, v: 'a' }, { id: 7, v: 'b' }];
  const out = upsert(base, [{ id: 7, v: 'B' }, { id: 9, v: 'c' }, { id: 5, v: 'A' }], (x) => x.id, (x) => x.id);
  assert.deepEqual(out, [{ id: 5, v: 'A' }, { id: 7, v: 'B' }, { id: 9, v: 'c' }]);
  assert.deepEqual(base, [{ id: 5, v: 'a' }, { id: 7, v: 'b' }], 'the base is not changed');
  assert.equal(upsert(base, [], (x) => x.id), base);
  const dense = upsert([{ id: 0, v: 'x' }, { id: 1, v: 'y' }], [{ id: 1, v: 'Y' }, { id: 2, v: 'z' }, { id: 2, v: 'Z' }], (x) => x.id, (x) => x.id);
  assert.deepEqual(dense, [{ id: 0, v: 'x' }, { id: 1, v: 'Y' }, { id: 2, v: 'Z' }], 'an item appended earlier in the same delta is found again');
});

test('a delta without a section keeps the model\'s; marks are appended', () => {
  const empty = { trialIds: [], levels: [], errors: [], kinds: [] };
  const model = {
    overview: {} as never, trials: [TRIALS[0]], curves: [], marks: { trialIds: [0], levels: [1], errors: [0.5], kinds: ['promoted' as const] },
    ledger: [], incumbentPath: [], llmCalls: [], correlation: [], calibration: {} as never,
  };
  const next = applyPanelDelta(model, { overview: { studyId: 'x' } as never, trials: [TRIALS[3]], curves: [], marks: { ...empty, trialIds: [3], levels: [3], errors: [0.4], kinds: ['stopped'] }, llmCalls: [] });
  assert.deepEqual(next.trials.map((t) => t.id), [0, 12]);
  assert.deepEqual(next.marks, { trialIds: [0, 3], levels: [1, 3], errors: [0.5, 0.4], kinds: ['promoted', 'stopped'] });
  assert.equal(next.ledger, model.ledger);
  assert.equal(next.correlation, model.correlation);
});

test('a restored view state keeps what is valid and defaults the rest', () => {
  assert.deepEqual(restoreViewState(undefined), defaultViewState());
  assert.deepEqual(restoreViewState({ studyId: 'old-panel' }), { ...defaultViewState(), studyId: 'old-panel' }, 'the state of the minimal panel (study id only) still loads');
  const restored = restoreViewState({
    studyId: 's', tab: 'llm', selectedTrialId: 4, trialFilter: 'conv', statusFilter: 'nonsense', sort: { column: 'ei', descending: true },
    compareTrialIds: [3, 'x'], openCallId: 'llambo-3', correlationPair: -1, curvesLogEpoch: false,
  });
  assert.equal(restored.tab, 'llm');
  assert.equal(restored.selectedTrialId, 4);
  assert.equal(restored.statusFilter, 'all');
  assert.deepEqual(restored.sort, { column: 'ei', descending: true });
  assert.deepEqual(restored.compareTrialIds, [3, null]);
  assert.equal(restored.correlationPair, 0);
  assert.equal(restored.curvesLogEpoch, false);
  assert.equal(restoreViewState({ tab: 'nope', sort: { column: 'drop table' } }).tab, 'overview');
});
