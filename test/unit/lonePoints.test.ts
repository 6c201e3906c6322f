import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lonePoints } from '../../src/core/panel/lonePoints';

test('a drawn point is lone when neither neighbour is drawn, the ends of the line included', () => {
  assert.deepEqual(lonePoints([true]), [true], 'one point');
  assert.deepEqual(lonePoints([true, false, true, false, true, true]), [true, false, true, false, false, false]);
  assert.deepEqual(lonePoints([false, true, true, false]), [false, false, false, false], 'two neighbours make a segment');
  assert.deepEqual(lonePoints([false, false]), [false, false], 'an undrawn point is never marked');
  assert.deepEqual(lonePoints([]), []);
});
