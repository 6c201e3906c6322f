import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { EventLogWriter } from '../../src/core/study/eventLog';
import { OutputFolderError, outputFolderError } from '../../src/core/study/outputFolderError';
import { acquireStudyLock } from '../../src/core/study/studyLock';

const root = mkdtempSync(join(tmpdir(), 'output-folder-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const out: CommandOutput = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), progressStream: process.stderr };
  return { code: await runCli(argv, out), stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const RAW_ERRNO = /\b(EEXIST|ENOTDIR|ENOENT|EROFS|EACCES|EPERM|ENOSPC):/;

/** An errno error as Node's fs throws it. */
function errnoError(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, mkdir '${path}'`), { code, path, syscall: 'mkdir' });
}

test('study --out and export --out onto a file (or below one) say the file is in the way and the fix, not EEXIST', async () => {
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  for (const out of [file, join(file, 'below', 'it')]) {
    const result = await cli('study', '--searcher', 'random', '--hours', '0.05', '--out', out);
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stderr, RAW_ERRNO);
    assert.ok(result.stderr.includes(`error: ${file} is a file, so the output folder ${out} cannot be created there; remove or rename the file`), result.stderr);
  }
  const study = join(root, 'study');
  assert.equal((await cli('study', '--searcher', 'random', '--hours', '0.05', '--out', study)).code, 0);
  const exported = await cli('export', '--study', study, '--out', file);
  assert.equal(exported.code, 1);
  assert.doesNotMatch(exported.stderr, RAW_ERRNO);
  assert.match(exported.stderr, /is a file, so the output folder .* cannot be created there/);
});

test('read-only, permission and missing-mount errors name the folder, the place and the fix', () => {
  const folder = join(root, 'out');
  const cases: [string, RegExp][] = [
    ['EROFS', /read-only filesystem .*choose an output folder on a writable disk/],
    ['EACCES', /no permission to write .*fix its permissions/],
    ['EPERM', /no permission to write/],
    ['ENOENT', /does not exist and cannot be made .*writable disk/],
    ['ENOSPC', /no space left .*free some space/],
  ];
  for (const [code, wording] of cases) {
    const mapped = outputFolderError(errnoError(code, join(folder, 'running.lock.1.tmp')), folder);
    assert.ok(mapped instanceof OutputFolderError, code);
    assert.equal(mapped.code, code);
    assert.match(mapped.message, wording);
    assert.ok(mapped.message.includes(folder), `${code}: names the folder`);
    assert.doesNotMatch(mapped.message, RAW_ERRNO);
  }
  const unrelated = new Error('not a filesystem error');
  assert.equal(outputFolderError(unrelated, folder), unrelated, 'other errors pass through unchanged');
});

test('the study lock and the event log report an unwritable folder through the one mapping', () => {
  const readOnly = { ...fs, openSync: (path: string) => { throw errnoError('EROFS', path); } };
  const dir = join(root, 'logs');
  mkdirSync(dir);
  assert.throws(() => new EventLogWriter(dir, { files: readOnly }), (e: unknown) => e instanceof OutputFolderError && /read-only filesystem/.test(e.message));
  const file = join(root, 'lock-file');
  writeFileSync(file, 'x');
  assert.throws(() => acquireStudyLock(join(file, 'study')), (e: unknown) => e instanceof OutputFolderError && e.message.startsWith(`${file} is a file`));
});
