import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadSyneTuneBlackbox, syneTuneBaseUrl, SYNETUNE_NASBENCH201_URL } from '../../src/core/benchmark/hfDownload';
import { DownloadError } from '../../src/core/benchmark/httpDownload';
import { importSyneTuneBlackbox } from '../../src/core/benchmark/importSyneTune';
import { parseNpyHeader } from '../../src/core/benchmark/npyHeader';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { writeFixture, type Fixture } from './importFixture';

const root = mkdtempSync(join(tmpdir(), 'nb201-download-'));
const fx: Fixture = writeFixture(join(root, 'served'), { archs: 20, epochs: 200, seed: 'download' });

interface Served { path: string; range?: string; status: number; bytes: number }

/** A static file server on 127.0.0.1 for fx.dir under /nasbench201/, with Range support unless told otherwise. */
async function startServer(options: { honourRange?: boolean; slow?: boolean } = {}): Promise<{ server: Server; base: string; log: Served[] }> {
  const log: Served[] = [];
  const server = createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url!, 'http://x').pathname).replace(/^\/nasbench201\//, '');
    const file = join(fx.dir, name);
    if (!/^[\w.]+$/.test(name) || !existsSync(file)) {
      log.push({ path: name, status: 404, bytes: 0 });
      res.writeHead(404, 'Not Found').end('no such file');
      return;
    }
    const data = readFileSync(file);
    let start = 0, end = data.length - 1, status = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && options.honourRange !== false) {
      start = Number(range[1]);
      end = Math.min(range[2] ? Number(range[2]) : end, data.length - 1);
      status = 206;
      res.setHeader('Content-Range', `bytes ${start}-${end}/${data.length}`);
    }
    res.writeHead(status, { 'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes' });
    let sent = 0;
    for (let at = start; at <= end && !res.destroyed; at += 16384) {
      const piece = data.subarray(at, Math.min(at + 16384, end + 1));
      sent += piece.length;
      if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
      if (options.slow) await new Promise((r) => setTimeout(r, 2));
    }
    res.end();
    log.push({ path: name, range: req.headers.range, status, bytes: sent });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/nasbench201`, log };
}

test.after(() => rmSync(root, { recursive: true, force: true }));

test('the download fetches only the header and the cifar10 third of the .npy, and imports to the same table', async () => {
  const { server, base, log } = await startServer();
  try {
    const dest = join(root, 'dl-range');
    const progress: [number, string][] = [];
    await downloadSyneTuneBlackbox({ destDir: dest, baseUrl: base, onProgress: (f, m) => progress.push([f, m]) });

    const npyLog = log.filter((r) => r.path === 'objectives_evaluations.npy');
    assert.ok(npyLog.every((r) => r.status === 206 && r.range), 'every .npy request was ranged');
    const full = statSync(join(fx.dir, 'objectives_evaluations.npy')).size;
    const third = 20 * 3 * 200 * 7 * 4;
    const served = npyLog.reduce((s, r) => s + r.bytes, 0);
    assert.ok(served < third + 8192 && served >= third, `served ${served} of ${full} bytes`);

    const saved = readFileSync(join(dest, 'objectives_evaluations.npy'));
    const header = parseNpyHeader(saved);
    assert.deepEqual(header.shape, [1, 20, 3, 200, 7]);
    assert.equal(saved.length, header.dataOffset + third);
    const metadata = JSON.parse(readFileSync(join(dest, 'metadata.json'), 'utf8'));
    assert.deepEqual(metadata.task_names, ['cifar10']);
    assert.deepEqual(metadata.original_task_names, ['cifar10', 'cifar100', 'ImageNet16-120']);
    assert.deepEqual(readdirSync(dest).sort(), ['fidelities_values.npy', 'hyperparameters.parquet', 'metadata.json', 'objectives_evaluations.npy']);

    const fractions = progress.map(([f]) => f);
    assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]), 'monotonic progress');
    assert.equal(fractions.at(-1), 1);
    assert.ok(progress.some(([f, m]) => f > 0.3 && f < 0.9 && /MB/.test(m)), 'intermediate byte progress');

    const fromDownload = join(root, 'dl-range.bin.gz'), fromSource = join(root, 'source.bin.gz');
    await importSyneTuneBlackbox({ sourceDir: dest, outPath: fromDownload, bundledTablePath: fx.referencePath });
    await importSyneTuneBlackbox({ sourceDir: fx.dir, outPath: fromSource, bundledTablePath: fx.referencePath });
    const a = loadTable(fromDownload), b = loadTable(fromSource);
    for (let i = 0; i < 20; i++) {
      assert.equal(a.finalErrorMean(i), b.finalErrorMean(i));
      assert.equal(a.epochSeconds(i), b.epochSeconds(i));
      for (const e of [1, 17, 200]) assert.equal(a.validError(i, 2, e), b.validError(i, 2, e));
    }
  } finally {
    server.close();
  }
});

test('a server that ignores Range still yields the right bytes', async () => {
  const { server, base, log } = await startServer({ honourRange: false });
  try {
    const dest = join(root, 'dl-norange');
    await downloadSyneTuneBlackbox({ destDir: dest, baseUrl: base });
    assert.ok(log.some((r) => r.path === 'objectives_evaluations.npy' && r.status === 200));
    const saved = readFileSync(join(dest, 'objectives_evaluations.npy'));
    const original = readFileSync(join(fx.dir, 'objectives_evaluations.npy'));
    const third = 20 * 3 * 200 * 7 * 4;
    const savedHeader = parseNpyHeader(saved), originalHeader = parseNpyHeader(original);
    assert.ok(Buffer.from(saved.subarray(savedHeader.dataOffset)).equals(original.subarray(originalHeader.dataOffset, originalHeader.dataOffset + third)));
  } finally {
    server.close();
  }
});

test('HTTP errors name the status and the URL, and leave no partial files', async () => {
  const { server, base } = await startServer();
  try {
    const dest = join(root, 'dl-404');
    await assert.rejects(downloadSyneTuneBlackbox({ destDir: dest, baseUrl: `${base}/missing-folder` }), (err: unknown) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.status, 404);
      assert.match(err.message, /HTTP 404/);
      assert.match(err.message, /missing-folder\/metadata\.json/);
      return true;
    });
    assert.deepEqual(readdirSync(dest), []);
    await assert.rejects(downloadSyneTuneBlackbox({ destDir: dest, baseUrl: 'http://127.0.0.1:1/nasbench201' }), /cannot reach http:\/\/127\.0\.0\.1:1/);
  } finally {
    server.close();
  }
});

test('aborting mid-transfer stops with the abort reason and cleans up', async () => {
  const { server, base } = await startServer({ slow: true });
  try {
    const dest = join(root, 'dl-abort');
    const controller = new AbortController();
    await assert.rejects(downloadSyneTuneBlackbox({
      destDir: dest, baseUrl: base, signal: controller.signal,
      onProgress: (f) => { if (f > 0.2) controller.abort(new Error('stopped by user')); },
    }), /stopped by user/);
    const left = readdirSync(dest);
    assert.ok(!left.includes('metadata.json'), 'an incomplete folder has no metadata.json');
    assert.ok(!left.some((f) => f.endsWith('.part')), `left: ${left}`);
  } finally {
    server.close();
  }
});

test('the base URL comes from the option, else NB201_DOWNLOAD_BASE_URL, else the Hugging Face Hub', () => {
  const saved = process.env.NB201_DOWNLOAD_BASE_URL;
  try {
    delete process.env.NB201_DOWNLOAD_BASE_URL;
    assert.equal(syneTuneBaseUrl(), SYNETUNE_NASBENCH201_URL);
    assert.match(SYNETUNE_NASBENCH201_URL, /huggingface\.co\/datasets\/synetune\/blackbox-repository\/resolve\/main\/nasbench201$/);
    process.env.NB201_DOWNLOAD_BASE_URL = 'http://mirror.example/nb201/';
    assert.equal(syneTuneBaseUrl(), 'http://mirror.example/nb201');
    assert.equal(syneTuneBaseUrl('http://other/x'), 'http://other/x');
  } finally {
    if (saved === undefined) delete process.env.NB201_DOWNLOAD_BASE_URL; else process.env.NB201_DOWNLOAD_BASE_URL = saved;
  }
});
