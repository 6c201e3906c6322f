import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readTableFile } from '../../src/core/benchmark/tableFile';
import { TableError } from '../../src/core/benchmark/tableError';
import { encodeTable } from '../../src/core/benchmark/tableFormat';

const dir = mkdtempSync(join(tmpdir(), 'hostile-table-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function tableErrorOf(path: string): TableError {
  try {
    readTableFile(path);
  } catch (error) {
    assert.ok(error instanceof TableError, String(error));
    return error;
  }
  assert.fail(`${path} was accepted`);
}

/** A valid container declaring 8 data bytes, followed by `extra` zero bytes its header does not declare. */
function bomb(extra: number): Buffer {
  const container = encodeTable({ format: 'NB201MF1', version: 1, numArchs: 1, numSeeds: 1, numEpochs: 1 },
    [{ name: 'x', dtype: 'float64', scale: 1, shape: [1], data: new Float64Array([1]) }]);
  return gzipSync(Buffer.concat([container, Buffer.alloc(extra)]), { level: 1 });
}

test('a gzip bomb is refused at the size its header declares, saying so', () => {
  const path = join(dir, 'bomb.bin.gz');
  writeFileSync(path, bomb(64 * 1024 * 1024)); // about 64 KB on disk, 64 MB inflated
  const error = tableErrorOf(path);
  assert.match(error.message, /inflates to more than the \d+ bytes its header declares/);
  assert.equal(error.reason, 'bad-header');
});

test('gzip of anything but an NB201MF1 container is refused from its first bytes', () => {
  const path = join(dir, 'zeros.bin.gz');
  writeFileSync(path, gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 1 }));
  const error = tableErrorOf(path);
  assert.match(error.message, /bad magic "\\u0000.*\(expected "NB201MF1"\) in the first inflated bytes; refused without inflating the rest/);
  assert.equal(error.reason, 'bad-magic');
});

test('a device such as /dev/zero is refused before reading it', { skip: !existsSync('/dev/zero') && 'no /dev/zero' }, () => {
  const error = tableErrorOf('/dev/zero');
  assert.match(error.message, /NB201 table \/dev\/zero: is not a regular file/);
  assert.equal(error.reason, 'unreadable');
});

test('a folder is refused as not a regular file', () => {
  assert.match(tableErrorOf(dir).message, /is not a regular file/);
});
