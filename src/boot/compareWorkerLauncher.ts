/**
 * dist/compareWorker.js: a compare thread's entry. Runs dist/compareWorker.bundle.js (src/cli/compareWorker.ts)
 * with V8's code cache (bundleCodeCache.ts), written when the first thread ends.
 */
import { join } from 'node:path';
import { loadBundle } from './bundleCodeCache';

const bundle = loadBundle(join(__dirname, 'compareWorker.bundle.js'), module);
process.once('exit', () => bundle.save());
