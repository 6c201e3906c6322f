/**
 * dist/cli.js: runs the CLI's bundle (dist/cli.bundle.js, built from src/cli/main.ts) with V8's code
 * cache (bundleCodeCache.ts) and writes the cache when the first process exits.
 */
import { join } from 'node:path';
import { loadBundle } from './bundleCodeCache';

const bundle = loadBundle(join(__dirname, 'cli.bundle.js'), module);
process.once('exit', () => bundle.save());
(bundle.exports as { runMain(): void }).runMain();
