/**
 * Runs a CommonJS bundle with V8's code cache. Every `node dist/cli.js`, compare thread and study worker
 * starts a new isolate that would otherwise parse and compile its ~1 MB bundle again, and compile each
 * function again the first time it runs. The launchers (dist/cli.js, dist/compareWorker.js,
 * dist/worker.js) run their bundle (`*.bundle.js`) through this instead of `require`: the first process
 * compiles as usual and, once its work is done (`save`), writes V8's cache of everything compiled so far
 * beside the bundle (`.code-cache/`); later processes hand it to V8, which checks it against the source,
 * V8 version and flags and compiles afresh if it does not match. The cache is an optimisation only: any
 * failure to read or write it is silent (LLAMBO_NAS_DEBUG prints it), and LLAMBO_NAS_CODE_CACHE=off runs
 * the bundle with plain `require`.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';

export interface LoadedBundle {
  /** The bundle's module.exports. */
  readonly exports: unknown;
  /** Whether V8 accepted a cache written by an earlier process. */
  readonly cacheUsed: boolean;
  /** Writes the code cache if none was used; call it once the process has run its hot code. Never throws. */
  save(): void;
}

const CACHE_FOLDER = '.code-cache';

/**
 * The cache file of a bundle: named by the bundle's size and mtime (a rebuild makes a new name) and by the
 * V8 that wrote it (Node and the editor's Electron each keep their own).
 */
export function codeCachePath(bundlePath: string, size: number, mtimeMs: number): string {
  return join(dirname(bundlePath), CACHE_FOLDER, `${basename(bundlePath)}.${size}-${Math.round(mtimeMs)}${v8Suffix()}`);
}

function v8Suffix(): string {
  return `-${process.arch}-v8-${process.versions.v8}.bin`;
}

export function loadBundle(bundlePath: string, parent?: NodeJS.Module, env: NodeJS.ProcessEnv = process.env): LoadedBundle {
  if (env.LLAMBO_NAS_CODE_CACHE === 'off') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the plain load, with no cache
    return { exports: require(bundlePath), cacheUsed: false, save: () => undefined };
  }
  const bytes = readFileSync(bundlePath);
  // A pure-ASCII file decodes as latin1 to the same string, without UTF-8 decoding.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const { size, mtimeMs } = statSync(bundlePath);
  const cachePath = codeCachePath(bundlePath, size, mtimeMs);
  const cachedData = readQuietly(cachePath, env);
  const script = new Script(Module.wrap(source), {
    filename: bundlePath, cachedData, importModuleDynamically: (vmConstants as typeof vmConstants | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  // Within one process V8 may take an earlier compile of the same source from memory and not look at
  // cachedData at all; across processes (what this is for) it either accepts or rejects it.
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  if (env.LLAMBO_NAS_DEBUG) process.stderr.write(`llambo-nas: code cache ${cachePath}: ${cachedData === undefined ? 'none yet' : cacheUsed ? 'used' : 'rejected'}\n`);
  const bundleModule = new Module(bundlePath, parent);
  bundleModule.filename = bundlePath;
  bundleModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundlePath));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dir: string) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, Module.createRequire(bundlePath), bundleModule, bundlePath, dirname(bundlePath));
  bundleModule.loaded = true;
  let saved = cacheUsed;
  return {
    exports: bundleModule.exports,
    cacheUsed,
    save: () => {
      if (saved) return;
      saved = true;
      writeQuietly(cachePath, basename(bundlePath), () => script.createCachedData(), env);
    },
  };
}

function readQuietly(path: string, env: NodeJS.ProcessEnv): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') debug(env, `cannot read the code cache ${path}`, error);
    return undefined;
  }
}

/** Written whole under a temporary name, then renamed: a reader never sees half a cache. The bundle's older caches from the same V8 are removed. */
function writeQuietly(path: string, bundleName: string, data: () => Buffer, env: NodeJS.ProcessEnv): void {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, data());
    renameSync(temporary, path);
    if (env.LLAMBO_NAS_DEBUG) process.stderr.write(`llambo-nas: code cache ${path}: written\n`);
    for (const name of readdirSync(dirname(path))) {
      if (name !== basename(path) && name.startsWith(`${bundleName}.`) && name.endsWith(v8Suffix())) rmSync(join(dirname(path), name), { force: true });
    }
  } catch (error) {
    try { rmSync(temporary, { force: true }); } catch { /* the folder itself is unusable */ }
    debug(env, `cannot write the code cache ${path}`, error);
  }
}

function debug(env: NodeJS.ProcessEnv, what: string, error: unknown): void {
  if (env.LLAMBO_NAS_DEBUG) process.stderr.write(`llambo-nas: ${what}: ${error instanceof Error ? error.message : String(error)}\n`);
}
