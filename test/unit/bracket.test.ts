import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bracket, type SlotInRung } from '../../src/core/schedulers/bracket';
import { BracketManager } from '../../src/core/schedulers/bracketManager';
import { geometricBrackets } from '../../src/core/schedulers/rungSystem';
import type { LedgerEntry } from '../../src/core/schedulers/scheduler';
import { SeededRandom } from '../../src/core/random/seededRandom';

const SHAPE = [{ level: 1, slots: 4 }, { level: 3, slots: 2 }, { level: 9, slots: 1 }];

test('only the current rung hands out slots; a full rung promotes its top-k best first', () => {
  const bracket = new Bracket(7, 0, SHAPE);
  const slots: SlotInRung[] = [];
  for (let i = 0; i < 4; i++) slots.push(bracket.takeFreeSlot(100 + i));
  assert.deepEqual(slots.map((s) => [s.rung, s.level, s.slot, s.trialId, s.fromLevel]), [
    [0, 1, 0, 100, 0], [0, 1, 1, 101, 0], [0, 1, 2, 102, 0], [0, 1, 3, 103, 0],
  ]);
  // All four pending: rung 1 must not hand out anything before rung 0 is complete.
  assert.equal(bracket.hasFreeSlot(), false);
  assert.equal(bracket.pendingSlots(), 4);
  assert.deepEqual(bracket.onResult(slots[0], 0.5), []);
  assert.deepEqual(bracket.onResult(slots[2], 0.2), []);
  assert.deepEqual(bracket.onResult(slots[1], NaN), []);
  assert.equal(bracket.hasFreeSlot(), false);
  const [done] = bracket.onResult(slots[3], 0.3);
  assert.equal(done.rung, 0);
  assert.equal(done.level, 1);
  assert.deepEqual(done.ranking.map((r) => r.trialId), [102, 103, 100, 101]);
  assert.ok(Number.isNaN(done.ranking[3].error), 'failed trial ranks last');
  assert.deepEqual(done.promoted, [102, 103]);
  assert.equal(bracket.currentRung, 1);
  // Promotions are handed out best first, resuming from level 1 to 3; they are not new trials.
  assert.equal(bracket.nextFreeSlotIsNew(), false);
  const up = [bracket.takeFreeSlot(999), bracket.takeFreeSlot(999)];
  assert.deepEqual(up.map((s) => [s.trialId, s.fromLevel, s.level]), [[102, 1, 3], [103, 1, 3]]);
  assert.throws(() => bracket.onResult({ ...up[0], rung: 0 }, 0.1), /rung/);
  bracket.onResult(up[1], 0.1);
  const [second] = bracket.onResult(up[0], 0.15);
  assert.deepEqual(second.promoted, [103]);
  const last = bracket.takeFreeSlot(999);
  const [final] = bracket.onResult(last, 0.05);
  assert.deepEqual([final.rung, final.level, final.promoted], [2, 9, []]);
  assert.equal(bracket.isComplete, true);
  assert.equal(bracket.hasFreeSlot(), false);
});

test('a result for a slot that is not pending is refused', () => {
  const bracket = new Bracket(0, 0, SHAPE);
  const slot = bracket.takeFreeSlot(1);
  bracket.onResult(slot, 0.4);
  assert.throws(() => bracket.onResult(slot, 0.4), /not pending/);
  assert.throws(() => bracket.onResult({ ...slot, slot: 3 }, 0.4), /not pending/);
  assert.throws(() => bracket.onResult({ ...bracket.takeFreeSlot(2), trialId: 5 }, 0.4), /not pending/);
});

test('promoted trials that had failed occupy their slots at once instead of blocking the rung', () => {
  const bracket = new Bracket(0, 0, [{ level: 1, slots: 3 }, { level: 3, slots: 2 }, { level: 9, slots: 1 }]);
  const slots = [bracket.takeFreeSlot(0), bracket.takeFreeSlot(1), bracket.takeFreeSlot(2)];
  bracket.onResult(slots[0], NaN);
  bracket.onResult(slots[1], NaN);
  const [done] = bracket.onResult(slots[2], 0.3);
  assert.deepEqual(done.promoted, [2, 0]);
  // Only trial 2 can train; trial 0's slot already holds NaN.
  const only = bracket.takeFreeSlot(9);
  assert.equal(only.trialId, 2);
  assert.equal(bracket.hasFreeSlot(), false);
  const [next] = bracket.onResult(only, 0.2);
  assert.deepEqual(next.promoted, [2]);
  // Everything failed: the rungs complete in a cascade, the bracket never blocks.
  const all = new Bracket(1, 0, [{ level: 1, slots: 2 }, { level: 3, slots: 1 }]);
  const a = all.takeFreeSlot(0), b = all.takeFreeSlot(1);
  all.onResult(a, NaN);
  assert.equal(all.onResult(b, NaN).length, 2);
  assert.equal(all.isComplete, true);
});

test('the manager fills the lowest-id bracket first and opens a new one when every slot is pending', () => {
  const ledger: LedgerEntry[] = [];
  const shapes = geometricBrackets(1, 3, 9); // b0 9@1 3@3 1@9, b1 5@3 2@9, b2 3@9
  const manager = new BracketManager(shapes, ledger);
  const first: SlotInRung[] = [];
  for (let id = 0; id < 9; id++) first.push(manager.nextSlot(id, true)!);
  assert.ok(first.every((s) => s.bracket === 0));
  // Bracket 0's first rung is all pending: the next worker opens bracket 1 (type 1, level 3).
  const other = manager.nextSlot(9, true)!;
  assert.deepEqual([other.bracket, other.level, other.rung], [1, 3, 0]);
  assert.deepEqual(ledger.map((e) => e.type === 'bracketOpened' && [e.bracket, e.bracketType]), [[0, 0], [1, 1]]);
  // Results complete bracket 0's rung 0: its promotions come before bracket 1's remaining slots.
  first.forEach((s, i) => manager.bracket(0).onResult(s, i / 10));
  const promoted = manager.nextSlot(10, true)!;
  assert.deepEqual([promoted.bracket, promoted.trialId, promoted.fromLevel, promoted.level], [0, 0, 1, 3]);
  // Without new trials allowed, new-config slots are skipped and no bracket opens.
  manager.nextSlot(10, false);
  manager.nextSlot(10, false);
  assert.equal(manager.nextSlot(10, false), null);
  assert.equal(manager.openedCount, 2);
  for (let id = 10; id < 14; id++) assert.equal(manager.nextSlot(id, true)!.bracket, 1);
  assert.equal(manager.nextSlot(14, true)!.bracket, 2);
  assert.equal(manager.nextSlot(15, true)!.bracket, 2);
});

test('bracket types cycle 0..5 as brackets open', () => {
  const ledger: LedgerEntry[] = [];
  const shapes = geometricBrackets(1, 3, 200);
  const manager = new BracketManager(shapes, ledger);
  let id = 0;
  for (const shape of [...shapes, ...shapes]) {
    for (let i = 0; i < shape[0].slots; i++) manager.nextSlot(id++, true);
  }
  const opened = ledger.flatMap((e) => (e.type === 'bracketOpened' ? [e.bracketType] : []));
  assert.deepEqual(opened, [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
});

test('a completed rung ranks as a stable sort does: best first, ties in slot order, failed last', () => {
  const rng = new SeededRandom(11);
  for (let round = 0; round < 200; round++) {
    const size = 1 + rng.int(90);
    const shape = [{ level: 1, slots: size + 1 }, { level: 3, slots: Math.max(1, size >> 1) }];
    const bracket = new Bracket(0, 0, shape);
    const slots = Array.from({ length: size + 1 }, (_, i) => bracket.takeFreeSlot(i));
    // Few distinct values, so ties are common, and some failures.
    const errors = slots.map(() => (rng.next() < 0.15 ? NaN : rng.int(8) / 8));
    let done: readonly LedgerEntry[] = [];
    slots.forEach((slot, i) => { done = bracket.onResult(slot, errors[i]); });
    const expected = errors.map((_, i) => i).sort((a, b) => {
      const na = Number.isNaN(errors[a]), nb = Number.isNaN(errors[b]);
      if (na || nb) return na === nb ? 0 : na ? 1 : -1;
      return errors[a] - errors[b];
    });
    const [rung] = done;
    assert.ok(rung && rung.type === 'rungCompleted');
    assert.deepEqual(rung.ranking.map((r) => r.trialId), expected, `round ${round}`);
    assert.deepEqual(rung.promoted, expected.slice(0, shape[1].slots));
  }
});
