// `npm run bench`: runs the CLI's hidden bench command on the built bundle (studies, table, BOHB), then
// the LLM bench (scripts/benchLlm.ts: LLAMBO's requests and tokens per new config, and the wall time of a
// study whose replies take 0.8 s, against a scripted test double of an OpenAI-compatible server, not an
// LLM), then the panel under live load in headless Chromium (scripts/test-webview.mjs --bench: render
// p95, frame gaps, first paint). Every figure is printed next to its target; targets never fail the bench.
// Flags: --json (CLI and LLM benches), --no-llm (skip the LLM bench), --no-panel (skip the panel bench),
// --no-latency, --llm-seeds N, --no-delay and --delay-seeds N (LLM bench only); anything else goes to `node dist/cli.js bench`
// (--seeds, --compare-seeds, --table).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`${cli} not found: run \`npm run build\` first (npm run bench does).`);
  process.exit(1);
}

const args = process.argv.slice(2);
const llmArgs = [];
const cliArgs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--no-llm' || args[i] === '--no-panel') continue;
  if (args[i] === '--no-latency' || args[i] === '--no-delay') llmArgs.push(args[i]);
  else if (args[i] === '--llm-seeds' || args[i] === '--delay-seeds') llmArgs.push(args[i], args[++i] ?? '');
  else cliArgs.push(args[i]);
}
if (args.includes('--json')) llmArgs.push('--json');

const run = spawnSync(process.execPath, [cli, 'bench', ...cliArgs], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

if (!args.includes('--no-llm')) {
  const llm = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'benchLlm.ts'), ...llmArgs], { stdio: 'inherit', cwd: root });
  if (llm.status !== 0) process.exit(llm.status ?? 1);
}

if (!args.includes('--no-panel')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`Panel bench skipped: Chromium not found at ${chromium} (npm run vscode:install-code-server installs it, or set CHROMIUM_PATH).`);
    process.exit(1);
  }
  console.log('\nPanel under live load (headless Chromium; the webview tests\' live-load scenarios):');
  const panel = spawnSync(process.execPath, [join(root, 'scripts', 'test-webview.mjs'), '--bench'], { stdio: 'inherit', cwd: root });
  process.exit(panel.status ?? 1);
}
