// Lint: the recommended JavaScript and typescript-eslint rules, the layer boundaries of DESIGN.md
// section 2 as import restrictions per folder, and a line-length limit. Formatting is Prettier's
// (npm run format); no stylistic rule here would make the whole tree change.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The view-model modules of src/core the webview may import (README, Layout); everything else is the host's. */
const WEBVIEW_CORE_MODULES = [
  'core/panel/panelModel', 'core/panel/panelDelta', 'core/panel/cellDiagramSvg', 'core/panel/cellPaths',
  'core/panel/chartSvg', 'core/panel/trialQuery', 'core/study/csvExport', 'core/readModel/trialRows',
  'core/llambo/proposalYield', 'core/nb201/searchSpace', 'core/readModel/errorMetric', 'core/study/resultFormat',
  'core/panel/seriesStyles', 'core/panel/errorAxisRange', 'core/panel/rungCorrelation', 'core/study/comparisonMetrics',
  'core/panel/lonePoints',
];

const NODE_ONLY = [
  { name: 'vscode', message: 'only src/extension talks to VS Code' },
  { name: 'worker_threads', message: 'only src/worker, the extension host and the CLI\'s compare threads use worker threads' },
  { name: 'node:worker_threads', message: 'only src/worker, the extension host and the CLI\'s compare threads use worker threads' },
];

/** `no-restricted-imports` with the given names and path patterns (regexes over the import string). */
function restrict(paths, patterns) {
  return { 'no-restricted-imports': ['error', { paths, patterns: patterns.map(([regex, message]) => ({ regex, message })) }] };
}

const layerUp = (layers) => `^(\\.\\./)+(${layers.join('|')})(/|$)`;

const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'URLSearchParams', 'Buffer', 'performance', 'fetch', 'AbortController']
    .map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.tsbuild/**', 'node_modules/**', '.vscode-test/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Preloaded with `node --require`, which takes CommonJS.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Its page.evaluate callbacks run in the browser.
    files: ['scripts/ui-smoke.mjs'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', requestAnimationFrame: 'readonly', getComputedStyle: 'readonly', MutationObserver: 'readonly' } },
  },
  {
    // The fake LLM server's request bodies are arbitrary JSON that tests index freely.
    files: ['test/support/fakeLlmServer.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    rules: {
      'max-len': ['error', {
        code: 180, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreComments: true,
      }],
      // `_name` marks a parameter an interface requires but this implementation does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(NODE_ONLY, [
      [layerUp(['extension', 'worker', 'cli']), 'src/core imports nothing above it (DESIGN.md section 2)'],
      [layerUp(['protocol']), 'protocol.ts is built on core; core does not import it'],
      ['(^|/)webview(/|$)', 'src/core imports nothing above it (DESIGN.md section 2)'],
    ]),
  },
  {
    files: ['src/core/schedulers/**/*.ts'],
    rules: restrict(NODE_ONLY, [
      [layerUp(['extension', 'worker', 'cli', 'protocol']), 'src/core imports nothing above it (DESIGN.md section 2)'],
      ['(^|/)webview(/|$)', 'src/core imports nothing above it'],
      ['^(\\.\\./)+searchers(/|$)', 'schedulers and searchers do not import each other: share a contract below both (e.g. core/evolution)'],
    ]),
  },
  {
    files: ['src/core/searchers/**/*.ts'],
    rules: restrict(NODE_ONLY, [
      [layerUp(['extension', 'worker', 'cli', 'protocol']), 'src/core imports nothing above it (DESIGN.md section 2)'],
      ['(^|/)webview(/|$)', 'src/core imports nothing above it'],
      ['^(\\.\\./)+schedulers(/|$)', 'schedulers and searchers do not import each other: share a contract below both (e.g. core/evolution)'],
    ]),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: restrict(NODE_ONLY, [[layerUp(['extension', 'worker']), 'the CLI runs on core alone'], ['(^|/)webview(/|$)', 'the CLI runs on core alone']]),
  },
  {
    // `compare` on several cores (issue 13): the thread pool and its worker entry, nothing else in the CLI.
    files: ['src/cli/compareThreads.ts', 'src/cli/compareWorker.ts'],
    rules: restrict([NODE_ONLY[0]], [[layerUp(['extension', 'worker']), 'the CLI runs on core alone'], ['(^|/)webview(/|$)', 'the CLI runs on core alone']]),
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: restrict([NODE_ONLY[0]], [[layerUp(['extension', 'cli']), 'the worker runs on core and protocol.ts'], ['(^|/)webview(/|$)', 'the worker runs on core']]),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: restrict([], [[layerUp(['cli', 'worker']), 'the extension talks to the worker through protocol.ts only'], ['(^|/)webview(/|$)', 'the extension talks to the webview through protocol.ts only']]),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict(NODE_ONLY, [
      ['^node:', 'the webview runs in the browser: no Node modules'],
      [`^(\\.\\./)+src/(?!protocol$|${WEBVIEW_CORE_MODULES.map((m) => m.replace(/\//g, '\\/')).join('$|')}$)`,
        `the webview imports src/protocol.ts and only these view-model modules of core: ${WEBVIEW_CORE_MODULES.join(', ')}`],
    ]),
  },
);
