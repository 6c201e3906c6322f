// Chromium tests of the study panel (webview/panelApp.ts): bundles the panel with a test entry and the
// Node side of the tests with esbuild into out/webview-test/, then runs them in headless Chromium
// (/usr/bin/chromium, or $CHROMIUM_PATH). Screenshots and figures go to test-artifacts/webview/.
// The last line is "webview: N passed, M failed". With --bench (run by `npm run bench`) only the
// live-load tests run, and their timings are printed next to their targets. `--only 'A|B'` runs the tests
// whose name contains A or B (while working on one view).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'webview-test');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function main() {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const started = Date.now();
  await Promise.all([
    esbuild.build({
      absWorkingDir: root, entryPoints: ['test/webview/panelTestEntry.ts'], outfile: join(outDir, 'panel.js'),
      bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, minify: true, logLevel: 'warning',
    }),
    esbuild.build({
      absWorkingDir: root, entryPoints: ['webview/chartsMain.ts'], outfile: join(outDir, 'charts.js'),
      bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, minify: true, logLevel: 'warning',
    }),
    esbuild.build({
      absWorkingDir: root, entryPoints: ['test/webview/runWebviewTests.ts'], outfile: join(outDir, 'run.cjs'),
      bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline', logLevel: 'warning', external: ['playwright-core'],
    }),
  ]);
  console.log(`bundled in ${Date.now() - started} ms`);
  const { runWebviewTests } = createRequire(import.meta.url)(join(outDir, 'run.cjs'));
  const only = process.argv.indexOf('--only');
  return runWebviewTests({ root, bundleDir: outDir, chromiumPath, bench: process.argv.includes('--bench'), ...(only > 0 ? { only: process.argv[only + 1] } : {}) });
}

let counts = { passed: 0, failed: 1 };
try {
  counts = await main();
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
}
console.log(`webview: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
