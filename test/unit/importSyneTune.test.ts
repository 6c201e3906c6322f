import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSyneTuneBlackbox } from '../../src/core/benchmark/importSyneTune';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { cellCode } from '../../src/core/nb201/searchSpace';
import { errorOf, latencyOf, OBJECTIVES, runtimeOf, writeFixture, writeNpy } from './importFixture';

const root = mkdtempSync(join(tmpdir(), 'nb201-import-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('a blackbox of the Syne Tune layout converts to a table the loader reads back exactly (to 1e-4)', async () => {
  const fx = writeFixture(join(root, 'a'), { archs: 25, epochs: 200 });
  const outPath = join(root, 'a', 'exact.bin.gz');
  const progress: number[] = [];
  const result = await importSyneTuneBlackbox({
    sourceDir: fx.dir, outPath, bundledTablePath: fx.referencePath, chunkBytes: 3 * 3 * 200 * 7 * 4, // 3 archs per read
    onProgress: (f) => progress.push(f),
  });
  assert.equal(result.archs, 25);
  assert.equal(result.epochs, 200);
  assert.equal(result.imputedValues, 0);
  assert.equal(result.paramsMismatches, 0);
  assert.equal(result.runtimeMaxRelativeSpread, 0);
  assert.ok(progress.length > 10 && progress.every((f, i) => i === 0 || f >= progress[i - 1]), 'progress is monotonic');
  assert.equal(progress.at(-1), 1);

  const table = loadTable(outPath);
  assert.equal(table.info.kind, 'exact-synetune');
  assert.match(table.info.label, /exact/);
  assert.equal(table.header.source, 'synetune-blackbox');
  let worst = 0;
  for (let a = 0; a < 25; a++) {
    // Rows were shuffled in the parquet: the output follows the reference (NB201) order.
    assert.equal(cellCode(table.cellAt(a)), cellCode(fx.cells[a]));
    assert.equal(table.indexOf(fx.cells[a]), a);
    for (let s = 0; s < 3; s++) {
      for (let e = 1; e <= 200; e++) worst = Math.max(worst, Math.abs(table.validError(a, s, e) - errorOf(0, a, s, e)));
    }
    const mean = (errorOf(0, a, 0, 200) + errorOf(0, a, 1, 200) + errorOf(0, a, 2, 200)) / 3;
    assert.ok(Math.abs(table.finalErrorMean(a) - mean) < 1e-6);
    assert.ok(Math.abs(table.epochSeconds(a) - runtimeOf(0, a)) < 1e-4, 'runtime from the cifar10 task');
    assert.ok(Math.abs(table.latencySeconds(a) - latencyOf(a)) < 1e-7);
    assert.equal(table.runtimeIsReal(a), true);
    assert.equal(table.isoClass(a), 1000 + cellCode(fx.cells[a]), 'iso class copied from the reference');
  }
  assert.ok(worst <= 5e-5 + 1e-7, `quantisation error ${worst}`);
  const best = Array.from({ length: 25 }, (_, a) => table.finalErrorMean(a)).reduce((m, v) => Math.min(m, v));
  assert.equal(table.optimumError, best);
});

test('any epoch count works, and a NaN seed is imputed by the mean of the other seeds', async () => {
  const fx = writeFixture(join(root, 'b'), { archs: 9, epochs: 12, seed: 'b', nanAt: [4, 1, 7] });
  const outPath = join(root, 'b', 'exact.bin.gz');
  const result = await importSyneTuneBlackbox({ sourceDir: fx.dir, outPath, bundledTablePath: fx.referencePath });
  assert.equal(result.imputedValues, 1);
  const table = loadTable(outPath);
  assert.equal(table.maxEpoch, 12);
  const expected = (errorOf(0, 4, 0, 7) + errorOf(0, 4, 2, 7)) / 2;
  assert.ok(Math.abs(table.validError(4, 1, 7) - expected) <= 5e-5 + 1e-7);
  assert.ok(Math.abs(table.validError(4, 1, 8) - errorOf(0, 4, 1, 8)) <= 5e-5 + 1e-7, 'neighbours untouched');
});

test('rows that do not match the reference table, or a wrong .npy shape, are refused with the reason', async () => {
  const fx = writeFixture(join(root, 'c'), { archs: 8, epochs: 10, seed: 'c' });
  const other = writeFixture(join(root, 'c-other'), { archs: 8, epochs: 10, seed: 'different cells' });
  const outPath = join(root, 'c', 'exact.bin.gz');
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath, bundledTablePath: other.referencePath }), /is not in the reference table/);
  const bigger = writeFixture(join(root, 'c-big'), { archs: 9, epochs: 10, seed: 'c' });
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath, bundledTablePath: bigger.referencePath }), /8 rows, the reference table 9 archs/);

  writeNpy(join(fx.dir, 'objectives_evaluations.npy'), '<f4', [3, 8, 3, 9, 7], new Float32Array(3 * 8 * 3 * 9 * 7));
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath, bundledTablePath: fx.referencePath }), /has shape \[3,8,3,9,7\], expected \[3, 8, seeds, 10, 7\]/);
  writeNpy(join(fx.dir, 'fidelities_values.npy'), '<i8', [10], BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i + 2)));
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath, bundledTablePath: fx.referencePath }), /epochs 1\.\.E in order/);
  const meta = JSON.parse(readFileSync(join(fx.dir, 'metadata.json'), 'utf8'));
  writeFileSync(join(fx.dir, 'metadata.json'), JSON.stringify({ ...meta, objectives_names: OBJECTIVES.filter((o) => o !== 'metric_runtime') }));
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath, bundledTablePath: fx.referencePath }), /objective metric_runtime is not in metadata.json/);
});

test('params that disagree with the assigned arch reveal a broken row mapping', async () => {
  const fx = writeFixture(join(root, 'd'), { archs: 10, epochs: 5, seed: 'd' });
  // Overwrite the .npy with params that belong to other archs (shifted by one).
  const path = join(fx.dir, 'objectives_evaluations.npy');
  const bytes = readFileSync(path);
  const dataOffset = bytes.length - 3 * 10 * 3 * 5 * 7 * 4;
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataOffset, bytes.byteOffset + bytes.length));
  for (let i = 6; i < values.length; i += 7) values[i] += 0.01;
  writeNpy(path, '<f4', [3, 10, 3, 5, 7], values);
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath: join(root, 'd', 'x.bin.gz'), bundledTablePath: fx.referencePath }), /metric_params disagrees .* for 10 of 10 archs/);
});

test('an aborted import stops with the abort reason and writes nothing', async () => {
  const fx = writeFixture(join(root, 'e'), { archs: 12, epochs: 50, seed: 'e' });
  const outPath = join(root, 'e', 'exact.bin.gz');
  const controller = new AbortController();
  await assert.rejects(importSyneTuneBlackbox({
    sourceDir: fx.dir, outPath, bundledTablePath: fx.referencePath, signal: controller.signal, chunkBytes: 1,
    onProgress: (f) => { if (f > 0.3) controller.abort(new Error('user cancelled')); },
  }), /user cancelled/);
  assert.throws(() => readFileSync(outPath), /ENOENT/);
});

test('missing source files give a clear error', async () => {
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: join(root, 'nowhere'), outPath: join(root, 'x.bin.gz') }),
    /nowhere lacks metadata\.json, hyperparameters\.parquet, fidelities_values\.npy, objectives_evaluations\.npy: .*--download/);
  const fx = writeFixture(join(root, 'f'), { archs: 4, epochs: 3, seed: 'f' });
  rmSync(join(fx.dir, 'fidelities_values.npy'));
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath: join(root, 'x.bin.gz'), bundledTablePath: fx.referencePath }), /lacks fidelities_values\.npy:/);
  writeFileSync(join(fx.dir, 'fidelities_values.npy'), 'not numpy');
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath: join(root, 'x.bin.gz'), bundledTablePath: fx.referencePath }), /fidelities_values\.npy: not a \.npy file/);
  writeFileSync(join(fx.dir, 'hyperparameters.parquet'), 'not parquet either');
  await assert.rejects(importSyneTuneBlackbox({ sourceDir: fx.dir, outPath: join(root, 'x.bin.gz'), bundledTablePath: fx.referencePath }), /cannot read .*hyperparameters\.parquet as Syne Tune hyperparameters/);
});
