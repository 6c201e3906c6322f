import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { BUNDLED_TABLE_FILE, defaultTablePath, tableSearchPaths } from '../../src/core/benchmark/tablePaths';
import { cellCode, cellFromCode, NUM_CELLS, parseArchString } from '../../src/core/nb201/searchSpace';

const path = defaultTablePath();
const skip = !existsSync(path) && `bundled table not found at ${path}`;

test('search paths: next to the bundle, <repo>/dist/data, $NB201_DATA_DIR, then ../shared/data/nb201', () => {
  const paths = tableSearchPaths(BUNDLED_TABLE_FILE, { NB201_DATA_DIR: '/opt/nb201' });
  const repo = resolve(__dirname, '..', '..');
  // First: data/ beside the running code (src/core/benchmark from source, the bundle's folder when bundled).
  assert.ok(paths[0].endsWith(`${sep}data${sep}${BUNDLED_TABLE_FILE}`) && paths[0] !== join(repo, 'dist', 'data', BUNDLED_TABLE_FILE), paths[0]);
  assert.deepEqual(paths.slice(1), [
    join(repo, 'dist', 'data', BUNDLED_TABLE_FILE),
    join('/opt/nb201', BUNDLED_TABLE_FILE),
    resolve(repo, '..', 'shared', 'data', 'nb201', BUNDLED_TABLE_FILE),
  ]);
  assert.ok(!tableSearchPaths(BUNDLED_TABLE_FILE, {}).some((p) => p.startsWith('/opt/nb201')));
});

// Load time and lookup speed are measured by `npm run bench`, not asserted here.
test('the bundled table loads and matches its data card', { skip }, () => {
  const table = loadTable(path);
  assert.equal(table.numArchs, NUM_CELLS);
  assert.equal(table.numSeeds, 3);
  assert.equal(table.maxEpoch, 200);
  assert.equal(table.info.kind, 'bundled-model-calibrated');
  assert.match(table.info.provenanceNote, /epochs 1-199 are model-generated/);
  assert.match(table.info.provenanceNote, /import-table/);
  // MF-TABLE.md: best arch 6111, seed 0 at e1/3/9/27/81/200 = 0.534/0.417/0.255/0.200/0.160/0.0575; seed mean@200 = 0.056267.
  const best = parseArchString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|');
  assert.equal(table.indexOf(best), 6111);
  assert.equal(table.optimumIndex, 6111);
  assert.ok(Math.abs(table.optimumError - 0.056267) < 1e-6, String(table.optimumError));
  const card = [0.534, 0.417, 0.255, 0.200, 0.160, 0.0575];
  [1, 3, 9, 27, 81, 200].forEach((e, i) => assert.ok(Math.abs(table.validError(6111, 0, e) - card[i]) <= 0.0005, `epoch ${e}`));
  const seedMean = [0, 1, 2].reduce((s, seed) => s + table.validError(6111, seed, 200), 0) / 3;
  assert.ok(Math.abs(seedMean - table.finalErrorMean(6111)) < 1e-4);
  assert.ok(table.epochSeconds(6111) > 5 && table.epochSeconds(6111) < 60);
});

test('every cell maps to a unique index and back; 6,466 isomorphism classes', { skip }, () => {
  const table = loadTable(path);
  const seen = new Set<number>();
  const classes = new Set<number>();
  for (let code = 0; code < NUM_CELLS; code++) {
    const cell = cellFromCode(code);
    const index = table.indexOf(cell);
    assert.equal(cellCode(table.cellAt(index)), code);
    seen.add(index);
    classes.add(table.isoClass(index));
  }
  assert.equal(seen.size, NUM_CELLS);
  assert.equal(classes.size, 6466);
  assert.ok(Object.isFrozen(table.cellAt(0)));
  assert.throws(() => table.indexOf([0, 0, 0, 0, 0, 5]), /not an NB201 cell/);
  assert.throws(() => table.cellAt(NUM_CELLS), /out of range/);
});
