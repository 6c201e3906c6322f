/**
 * dist/worker.js: a study worker's entry. Runs dist/worker.bundle.js (src/worker/studyWorker.ts) with V8's
 * code cache (bundleCodeCache.ts), written once the thread's first study has finished.
 */
import { join } from 'node:path';
import { loadBundle } from './bundleCodeCache';

const bundle = loadBundle(join(__dirname, 'worker.bundle.js'), module);
(bundle.exports as { onceWarm(callback: () => void): void }).onceWarm(() => bundle.save());
