import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isDisconnected, reachableNodes } from '../../src/core/nb201/cellGraph';
import { cellFromCode, NUM_CELLS, parseArchString } from '../../src/core/nb201/searchSpace';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';

test('the output is reached through any chain of non-none edges', () => {
  // Only 0->1->2->3 carries signal: connected.
  assert.equal(isDisconnected(parseArchString('|skip_connect~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|nor_conv_1x1~2|')), false);
  // 1->3 and 2->3 exist but nothing feeds nodes 1 and 2: disconnected.
  assert.equal(isDisconnected(parseArchString('|none~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|nor_conv_3x3~2|')), true);
  // Node 1 is fed but has no way out except into node 2, which has no way out: disconnected.
  assert.equal(isDisconnected(parseArchString('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|none~2|')), true);
  assert.deepEqual(reachableNodes(parseArchString('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|none~2|')), [true, true, true, false]);
  assert.equal(isDisconnected([0, 0, 0, 1, 0, 0]), false); // the direct edge alone
});

test('connectivity agrees with a brute-force path search over all 15,625 cells', () => {
  // Paths from 0 to 3 as edge-slot lists: 0->3, 0->1->3, 0->2->3, 0->1->2->3.
  const paths = [[3], [0, 4], [1, 5], [0, 2, 5]];
  let disconnected = 0;
  for (let code = 0; code < NUM_CELLS; code++) {
    const cell = cellFromCode(code);
    const expected = !paths.some((p) => p.every((slot) => cell[slot] !== 0));
    assert.equal(isDisconnected(cell), expected, String(cell));
    if (expected) disconnected++;
  }
  assert.equal(disconnected, 341);
});

const tablePath = defaultTablePath();
test('disconnected cells are exactly the degenerate (~90% error) cells of the table', { skip: !existsSync(tablePath) && `no table at ${tablePath}` }, () => {
  const table = loadTable(tablePath);
  let degenerate = 0, disconnected = 0, bestConnectedWorst = 0;
  for (let i = 0; i < table.numArchs; i++) {
    const isDegenerate = Math.abs(table.finalErrorMean(i) - 0.9) < 1e-4;
    const cut = isDisconnected(table.cellAt(i));
    assert.equal(cut, isDegenerate, `arch ${i} ${table.cellAt(i)} error ${table.finalErrorMean(i)}`);
    if (isDegenerate) degenerate++;
    if (cut) disconnected++;
    else bestConnectedWorst = Math.max(bestConnectedWorst, table.finalErrorMean(i));
  }
  assert.equal(degenerate, 341);
  assert.equal(disconnected, 341);
  assert.ok(bestConnectedWorst < 0.6, `worst connected cell has error ${bestConnectedWorst}`);
});
