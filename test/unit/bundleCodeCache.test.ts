import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { codeCachePath, loadBundle } from '../../src/boot/bundleCodeCache';

const DIST = join(__dirname, '..', '..', 'dist');
const dir = mkdtempSync(join(tmpdir(), 'nas-code-cache-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** A CommonJS "bundle" in its own folder: exports what its wrapper was given and a function worth caching. */
function bundle(body = 'exports.answer = () => 6 * 7;'): string {
  const folder = join(dir, `b${count++}`);
  mkdirSync(folder);
  const path = join(folder, 'app.bundle.js');
  writeFileSync(path, `${body}\nexports.dir = __dirname; exports.file = __filename; exports.sep = require('node:path').sep; exports.self = module.exports === exports;\n`);
  return path;
}

const cacheFiles = (path: string) => {
  const folder = join(path, '..', '.code-cache');
  return existsSync(folder) ? readdirSync(folder) : [];
};

test('the first load compiles and writes the cache on save, once; the exports and wrapper arguments are the bundle\'s own', () => {
  const path = bundle();
  const first = loadBundle(path, undefined, {});
  const exports = first.exports as { answer(): number; dir: string; file: string; sep: string; self: boolean };
  assert.equal(first.cacheUsed, false);
  assert.equal(exports.answer(), 42);
  assert.deepEqual([exports.file, exports.dir, exports.self], [path, join(path, '..'), true], 'the wrapper gets the bundle\'s own module, file and folder');
  assert.deepEqual(cacheFiles(path), [], 'nothing is written before save');
  first.save();
  first.save();
  assert.equal(cacheFiles(path).length, 1, 'one cache file, written once');
});

/** Runs the built CLI launcher and bundle copied into a folder of their own (so its cache starts empty) with --help. */
function runCopiedCli(folder: string): { status: number | null; stderr: string } {
  const child = spawnSync(process.execPath, [join(folder, 'cli.js'), '--help'], { encoding: 'utf8', env: { ...process.env, LLAMBO_NAS_DEBUG: '1' } });
  return { status: child.status, stderr: child.stderr };
}

test('across processes (dist/cli.js): the first run writes the cache, the next runs from it, a damaged cache is rejected and replaced', () => {
  const folder = join(dir, `cli${count++}`);
  mkdirSync(folder);
  for (const name of ['cli.js', 'cli.bundle.js']) copyFileSync(join(DIST, name), join(folder, name));
  const first = runCopiedCli(folder);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /code cache .*cli\.bundle\.js\.[^ ]*\.bin: none yet/);
  assert.match(first.stderr, /: written/);
  const second = runCopiedCli(folder);
  assert.match(second.stderr, /: used\n/);
  assert.doesNotMatch(second.stderr, /written/, 'a used cache is not rewritten');
  const [name] = readdirSync(join(folder, '.code-cache'));
  writeFileSync(join(folder, '.code-cache', name), Buffer.alloc(4096, 7));
  const damaged = runCopiedCli(folder);
  assert.equal(damaged.status, 0, damaged.stderr);
  assert.match(damaged.stderr, /: rejected\n/);
  assert.match(damaged.stderr, /: written/);
  assert.match(runCopiedCli(folder).stderr, /: used\n/);
});

test('a rebuilt bundle gets a cache of its own and the old one is removed', () => {
  const path = bundle();
  loadBundle(path, undefined, {}).save();
  const before = cacheFiles(path);
  writeFileSync(path, 'exports.answer = () => 43;\n');
  utimesSync(path, new Date(), new Date(Date.now() + 5_000));
  const rebuilt = loadBundle(path, undefined, {});
  assert.equal(rebuilt.cacheUsed, false, 'the old cache is not offered for the new source');
  assert.equal((rebuilt.exports as { answer(): number }).answer(), 43);
  rebuilt.save();
  const after = cacheFiles(path);
  assert.equal(after.length, 1);
  assert.notEqual(after[0], before[0]);
});

test('a folder the cache cannot be written to is not an error', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, () => {
  const path = bundle();
  chmodSync(join(path, '..'), 0o555);
  try {
    const loaded = loadBundle(path, undefined, {});
    assert.doesNotThrow(() => loaded.save());
    assert.equal((loaded.exports as { answer(): number }).answer(), 42);
  } finally {
    chmodSync(join(path, '..'), 0o755);
  }
});

test('a cache path that is taken by a file is not an error either', () => {
  const path = bundle();
  writeFileSync(join(path, '..', '.code-cache'), 'not a folder');
  const loaded = loadBundle(path, undefined, { LLAMBO_NAS_DEBUG: '' });
  assert.doesNotThrow(() => loaded.save());
  assert.equal((loaded.exports as { answer(): number }).answer(), 42);
});

test('LLAMBO_NAS_CODE_CACHE=off loads the bundle with require and writes nothing', () => {
  const path = bundle('exports.answer = () => 7;');
  const loaded = loadBundle(path, undefined, { LLAMBO_NAS_CODE_CACHE: 'off' });
  assert.equal((loaded.exports as { answer(): number }).answer(), 7);
  loaded.save();
  assert.deepEqual(cacheFiles(path), []);
});

test('the cache is named by the bundle, its size and mtime, and the V8 that made it', () => {
  const name = basename(codeCachePath('/x/cli.bundle.js', 123, 456.7));
  assert.equal(name, `cli.bundle.js.123-457-${process.arch}-v8-${process.versions.v8}.bin`);
});
