import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { errorOf, writeFixture } from './importFixture';

const root = mkdtempSync(join(tmpdir(), 'cli-import-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const fx = writeFixture(join(root, 'bb'), { archs: 12, epochs: 200, seed: 'cli-import' });

async function cli(...argv: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const out: CommandOutput = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), progressStream: process.stderr };
  return { code: await runCli(argv, out), stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

test('import-table --from converts a blackbox folder and says how to use the table', async () => {
  const out = join(root, 'from', 'exact.bin.gz');
  const result = await cli('import-table', '--from', fx.dir, '--reference-table', fx.referencePath, '--out', out);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Wrote .*exact\.bin\.gz: 12 archs x 3 seeds x 200 epochs/);
  assert.match(result.stdout, /--table .*exact\.bin\.gz/);
  const table = loadTable(out);
  assert.equal(table.info.kind, 'exact-synetune');
  const arch = fx.rowArch[0];
  assert.ok(Math.abs(table.validError(arch, 1, 9) - errorOf(0, arch, 1, 9)) < 1e-4);

  const again = await cli('import-table', '--from', fx.dir, '--reference-table', fx.referencePath, '--out', out);
  assert.equal(again.code, 1, 'an existing table is not overwritten without --force');
  assert.match(again.stderr, /already exists/);
  assert.equal((await cli('import-table', '--from', fx.dir, '--reference-table', fx.referencePath, '--out', out, '--force')).code, 0);
});

test('import-table --download fetches from --base-url into --dest, then converts', async () => {
  const server = createServer((req, res) => {
    const name = new URL(req.url!, 'http://x').pathname.replace(/^\/nasbench201\//, '');
    const file = join(fx.dir, name);
    if (!/^[\w.]+$/.test(name) || !existsSync(file)) { res.writeHead(404).end(); return; }
    const data = readFileSync(file);
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range) { res.writeHead(200, { 'Content-Length': data.length }).end(data); return; }
    const start = Number(range[1]), end = Math.min(range[2] ? Number(range[2]) : data.length - 1, data.length - 1);
    res.writeHead(206, { 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${data.length}` }).end(data.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/nasbench201`;
    const dest = join(root, 'download');
    const out = join(root, 'download.bin.gz');
    const result = await cli('import-table', '--download', '--base-url', base, '--dest', dest, '--reference-table', fx.referencePath, '--out', out);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(dest, 'metadata.json')));
    assert.equal(loadTable(out).info.kind, 'exact-synetune');
    const reuse = await cli('import-table', '--download', '--base-url', 'http://127.0.0.1:9/unused', '--dest', dest, '--reference-table', fx.referencePath, '--out', join(root, 'again.bin.gz'));
    assert.equal(reuse.code, 0, reuse.stderr);
    assert.match(reuse.stderr, /already downloaded/);
  } finally {
    server.close();
  }
});

test('import-table flag combinations are checked', async () => {
  assert.equal((await cli('import-table', '--from', fx.dir, '--download')).code, 2);
  assert.equal((await cli('import-table', '--from', fx.dir, '--dest', root)).code, 2);
});

test('import-table --download from a host that hangs fails with a message naming the host and --download-timeout-ms', async () => {
  // One server hangs before any reply headers; the other sends headers and a first chunk, then stalls.
  const hangBeforeHeaders = createServer(() => undefined);
  const stallMidBody = createServer((_req, res) => { res.writeHead(200, { 'Content-Length': 1000 }); res.write('{"task_names":'); });
  const servers = [hangBeforeHeaders, stallMidBody];
  try {
    for (const server of servers) {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await cli('import-table', '--download', '--base-url', `http://${host}/nb201`, '--dest', join(root, `hang-${host}`),
        '--download-timeout-ms', '200', '--out', join(root, 'hang.bin.gz'));
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`timed out: ${host.replace('.', '\\.')} sent nothing for 0\\.2 s`));
      assert.match(result.stderr, /--download-timeout-ms 800/);
    }
  } finally {
    for (const server of servers) { server.closeAllConnections(); server.close(); }
  }
  const bad = await cli('import-table', '--download', '--download-timeout-ms', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--download-timeout-ms: must be an integer in \[1, 2147483647\]/);
});
