// Bundles the CLI, worker, extension and webview, and copies the NB201 table into dist/data.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const TABLE = 'nb201-c10-mf.v1.bin.gz';

function copyTable() {
  const dataDir = process.env.NB201_DATA_DIR ? resolve(process.env.NB201_DATA_DIR) : resolve(root, '..', 'shared', 'data', 'nb201');
  const source = join(dataDir, TABLE);
  const target = join(root, 'dist', 'data', TABLE);
  if (!existsSync(source)) {
    console.error(`NB201 table not found: ${source}\n` +
      `Put ${TABLE} there (the project's shared data folder) or set NB201_DATA_DIR to the folder that holds it.`);
    process.exit(1);
  }
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(target) || statSync(target).size !== statSync(source).size || statSync(target).mtimeMs < statSync(source).mtimeMs) {
    copyFileSync(source, target);
  }
}

// LLAMBO's prompt templates are plain files users can read and override; ship them next to the bundles.
function copyPrompts() {
  cpSync(join(root, 'src', 'core', 'llambo', 'prompts'), join(root, 'dist', 'prompts'), { recursive: true });
}

// gpt-tokenizer's BPE rank tables are ~3 MB of source each: bundled into cli.js / worker.js every process
// parsed them, even studies that never count a prompt. They are built as side files next to the bundles and
// `require`d from there only when tokenCounter.ts first counts with one (running from source, tsx resolves the
// package itself).
const ENCODINGS = ['o200k_base', 'cl100k_base'];
const encodingFile = (name) => `gpt-tokenizer-${name}.js`;
// The openai client likewise (~250 kB of module code, ~10 MiB once run): chatTransport.ts requires it when
// the first LLM transport is made, so a study without an LLM never parses it.
const OPENAI_FILE = 'openai.js';
const packagesAsSideFiles = {
  name: 'packages-as-side-files',
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/(o200k_base|cl100k_base)$/ }, (args) =>
      ({ path: `./${encodingFile(args.path.split('/').pop())}`, external: true }));
    build.onResolve({ filter: /^openai$/ }, () => ({ path: `./${OPENAI_FILE}`, external: true }));
  },
};

// Whitespace and comments removed (names kept, so stack traces still read; the source maps map them back):
// every process reads and decodes its bundle, and an ASCII-only bundle is decoded as latin1 (bundleCodeCache.ts).
const node = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, minifyWhitespace: true, logLevel: 'warning', plugins: [packagesAsSideFiles],
};
const sideFile = (entry, outfile) => ({ ...node, plugins: [], sourcemap: false, entryPoints: [entry], outfile: `dist/${outfile}` });
// Each process entry is a small launcher (src/boot) that runs its bundle with V8's code cache, so a new
// process or thread skips compiling ~1 MB of bundle and each function's first compile (bundleCodeCache.ts).
const launcher = (entry, outfile) => ({ ...node, plugins: [], sourcemap: false, entryPoints: [entry], outfile: `dist/${outfile}` });
const entries = [
  launcher('src/boot/cliLauncher.ts', 'cli.js'),
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.bundle.js' },
  launcher('src/boot/compareWorkerLauncher.ts', 'compareWorker.js'),
  { ...node, entryPoints: ['src/cli/compareWorker.ts'], outfile: 'dist/compareWorker.bundle.js' },
  ...ENCODINGS.map((name) => sideFile(`gpt-tokenizer/encoding/${name}`, encodingFile(name))),
  sideFile('openai', OPENAI_FILE),
];
function webviewBundle(entry, outfile) {
  return { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, minify: true, logLevel: 'warning', entryPoints: [entry], outfile };
}
const optional = [
  { ...node, entryPoints: ['src/worker/studyWorker.ts'], outfile: 'dist/worker.bundle.js' },
  { ...launcher('src/boot/studyWorkerLauncher.ts', 'worker.js'), entryPoints: ['src/boot/studyWorkerLauncher.ts'] },
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // Minified: the webview holds this bundle inline on every panel open; the panel's timings were measured on it.
  webviewBundle('webview/main.ts', 'dist/webview.js'),
  // chart.js, which the panel loads after its first paint (webview/chartLibrary.ts).
  webviewBundle('webview/chartsMain.ts', 'dist/charts.js'),
];

copyTable();
copyPrompts();
const builds = [...entries, ...optional.filter((b) => existsSync(join(root, b.entryPoints[0])))];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  checkInlinable('dist/webview.js');
}

// The panel's page holds dist/webview.js inline in a <script> (src/extension/webviewHtml.ts), which a
// script or style tag inside the code would break; esbuild escapes them in strings, so none should be there.
function checkInlinable(file) {
  const path = join(root, file);
  if (existsSync(path) && /<\/?(script|style)/i.test(readFileSync(path, 'utf8'))) {
    console.error(`${file} holds a <script> or <style> tag and cannot be inlined into the panel's page`);
    process.exit(1);
  }
}
