/**
 * Where the tables live. The build copies the bundled table to dist/data/ next to the bundles
 * (dist/cli.js, dist/worker.js, dist/extension.js), so `__dirname/data` is the first place to look;
 * running from source (tsx) falls back to <repo>/dist/data, then $NB201_DATA_DIR, then ../shared/data/nb201.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const BUNDLED_TABLE_FILE = 'nb201-c10-mf.v1.bin.gz';
/** File name the importer writes the exact Syne Tune table to (same container format). */
export const EXACT_TABLE_FILE = 'nb201-c10-synetune-exact.v1.bin.gz';

// esbuild emits CommonJS, and tsx runs these sources as CommonJS, so __dirname is defined in both.
const HERE = typeof __dirname === 'string' ? __dirname : process.cwd();

/** Nearest ancestor of `start` holding a package.json (the repo or install root), if any. */
function packageRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** Candidate locations of a table file, most specific first (no duplicates). */
export function tableSearchPaths(fileName: string = BUNDLED_TABLE_FILE, env: NodeJS.ProcessEnv = process.env): string[] {
  const root = packageRoot(HERE);
  const candidates = [
    join(HERE, 'data', fileName),
    root ? join(root, 'dist', 'data', fileName) : undefined,
    env.NB201_DATA_DIR ? join(resolve(env.NB201_DATA_DIR), fileName) : undefined,
    root ? join(root, '..', 'shared', 'data', 'nb201', fileName) : undefined,
  ];
  return [...new Set(candidates.filter((p): p is string => p !== undefined).map((p) => resolve(p)))];
}

/** The first existing candidate, or the first candidate (where the file is expected) when none exists. */
export function defaultTablePath(fileName: string = BUNDLED_TABLE_FILE): string {
  const candidates = tableSearchPaths(fileName);
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** The imported exact table when one was found, else the bundled table. */
export function preferredTablePath(): string {
  const exact = tableSearchPaths(EXACT_TABLE_FILE).find((p) => existsSync(p));
  return exact ?? defaultTablePath(BUNDLED_TABLE_FILE);
}

/**
 * The text every "table not usable" error ends with: where it is looked for and how to get it. A path the
 * user named that is not one of the search paths gets a hint about that path instead of the search list.
 */
export function tableHelp(fileName: string = BUNDLED_TABLE_FILE, path?: string): string {
  const where = path !== undefined && !tableSearchPaths(fileName).includes(resolve(path))
    ? `Check the path you gave, or leave the table option out to use the bundled table (${defaultTablePath(BUNDLED_TABLE_FILE)}). `
    : `The table is looked for at: ${tableSearchPaths(fileName).join(', ')}. `;
  return where +
    `To get it: run \`npm run build\` (copies ${BUNDLED_TABLE_FILE} from ../shared/data/nb201/ or from $NB201_DATA_DIR into dist/data/), ` +
    `or set NB201_DATA_DIR to the folder that holds it, ` +
    `or import the exact Syne Tune table with \`node dist/cli.js import-table\`.`;
}
