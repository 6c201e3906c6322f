import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { readTableFile, writeTableFile } from '../../src/core/benchmark/tableFile';
import { TableError } from '../../src/core/benchmark/tableError';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';

const dir = mkdtempSync(join(tmpdir(), 'epoch-times-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const bundled = readTableFile(defaultTablePath());

/** The bundled table with arch 7's epoch time replaced by `seconds`, written to its own file. */
function tableWithEpochTime(seconds: number, name: string): string {
  const { arrays: specs, ...fields } = bundled.header;
  const arrays = specs.map((spec) => {
    const data = bundled.arrays.get(spec.name)!.slice();
    if (spec.name === 'runtime_s') data[7] = seconds;
    return { ...spec, data };
  });
  const path = join(dir, name);
  writeTableFile(path, fields, arrays);
  return path;
}

test('a table whose epoch time is 0, negative or NaN is refused when loaded, naming the file, the arch and the fix', async () => {
  for (const [seconds, shown] of [[0, '0'], [-3, '-3'], [Number.NaN, 'NaN']] as const) {
    const path = tableWithEpochTime(seconds, `epoch-${shown}.bin.gz`);
    assert.throws(() => loadTable(path, { cacheDir: join(dir, 'cache') }), (error: unknown) => {
      assert.ok(error instanceof TableError);
      assert.equal(error.reason, 'bad-array');
      assert.ok(error.message.startsWith(`NB201 table ${path}: runtime_s[7] (the epoch time of arch 7) is ${shown}`), error.message);
      assert.match(error.message, /must be a positive number of seconds; .*re-create it \(import-table\) or use another table/);
      return true;
    });
  }
  const path = join(dir, 'epoch-0.bin.gz');
  const stdout: string[] = [], stderr: string[] = [];
  const out: CommandOutput = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), progressStream: process.stderr };
  const code = await runCli(['study', '--searcher', 'random', '--hours', '1', '--table', path], out);
  assert.equal(code, 1);
  assert.ok(stderr.join('\n').includes(`error: NB201 table ${path}: runtime_s[7]`), stderr.join('\n'));
  assert.doesNotMatch(stderr.join('\n'), /RangeError/);
});

test('the bundled table passes the epoch-time check', () => {
  assert.ok(loadTable(defaultTablePath()).epochSeconds(7) > 0);
});
