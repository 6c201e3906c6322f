// Integration tests in a real VS Code: bundles test/vscode/ into dist/test/, then runs that Mocha
// suite inside the extension host of
//   1. code-server 4.100.3 (VS Code 1.100.3) driven by headless Chromium — always;
//   2. a desktop VS Code through @vscode/test-electron — when VSCODE_EXECUTABLE names one.
// Prints "<host>: N passed, N failed" per host (scripts/run-tests.mjs sums lines matching
// /^[\w-]+: (\d+) passed, (\d+) failed/) and exits non-zero on any failure. Run after `npm run build`.
// It also exports the code-server/Chromium harness scripts/ui-smoke.mjs uses: a fresh server per run
// on a free 127.0.0.1 port, killed with its whole process group (see ../shared/TESTING.md).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const codeServerBin = join(root, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
export const artifactsDir = join(root, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const require = createRequire(import.meta.url);

/** Installs code-server (and Chromium) with the project script when they are missing. */
export function ensureCodeServer() {
  if (existsSync(codeServerBin) && existsSync(CHROMIUM)) return;
  runInstallScript('code-server or Chromium missing');
}

/** Installs Chromium (the project script installs code-server with it) when it is missing. */
export function ensureChromium() {
  if (!existsSync(CHROMIUM)) runInstallScript(`Chromium not found at ${CHROMIUM}`);
}

function runInstallScript(why) {
  console.log(`${why}: running scripts/install-code-server.sh`);
  const result = spawnSync('bash', [join(root, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('scripts/install-code-server.sh failed');
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** A fresh temp folder; removed by the returned cleanup. */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** User settings of the test profile: no welcome page or walkthrough stealing focus, nothing online. */
const TEST_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/**
 * Starts code-server detached (own process group) with a fresh user-data and extensions folder.
 * Resolves once it answers HTTP; `stop()` kills the whole group.
 */
export async function startCodeServer({ workspace, env = {}, userDataDir, extensionsDir }) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(TEST_USER_SETTINGS, null, 2) + '\n');
  const port = await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--config', '/dev/null', workspace,
  ];
  const child = spawn(codeServerBin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output.join('')}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} within 60 s:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // SIGTERM to the whole group, then SIGKILL for whatever outlives it (a file watcher can).
  const stop = async () => {
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
        return true;
      } catch {
        return false; // the group is gone
      }
    };
    if (!signalGroup('SIGTERM')) return;
    for (let waited = 0; waited < 3000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      if (!signalGroup(0)) return;
    }
    signalGroup('SIGKILL');
  };
  return { url, port, child, output, stop };
}

/** Installs a VSIX into an extensions folder with the code-server CLI. */
export function installVsix(vsix, extensionsDir, userDataDir) {
  const result = spawnSync(codeServerBin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--config', '/dev/null', '--install-extension', vsix], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

export async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The workbench URL that opens `folder`, optionally with extension development/test payload. */
export function workbenchUrl(base, folder, payload) {
  const query = new URLSearchParams({ folder });
  if (payload) query.set('payload', JSON.stringify(payload));
  return `${base}/?${query.toString()}`;
}

export function ensureArtifactsDir() {
  mkdirSync(artifactsDir, { recursive: true });
  return artifactsDir;
}

export function removeQuietly(...paths) {
  for (const path of paths) rmSync(path, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// The suite runner

// A hang guard for the whole suite (each test has its own 180 s guard), never a speed claim.
const SUITE_TIMEOUT_MS = Number(process.env.LLAMBO_NAS_SUITE_TIMEOUT_MS ?? 900_000);
const testsOut = join(root, 'dist', 'test');

async function buildSuite() {
  const dir = join(root, 'test', 'vscode');
  const entryPoints = readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => join(dir, f));
  await esbuild.build({
    entryPoints, outdir: testsOut, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    sourcemap: 'inline', logLevel: 'warning', external: ['vscode'],
    // Mocha is bundled into index.js (the host needs no node_modules); its parallel mode is never used.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
}

function readResults(file) {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** `host` is one word (the summary line must match /^[\w-]+: N passed, N failed/); `detail` says which build. */
function printResults(host, detail, results, seconds) {
  if (!results) {
    // Counted as a failure by run-tests.mjs (and by the exit code).
    console.log(`${host}: 0 passed, 1 failed (${detail}: the suite did not run to the end)`);
    return false;
  }
  for (const t of results.tests ?? []) console.log(`  ${t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip'} ${t.title}${t.ms === undefined ? '' : ` (${t.ms} ms)`}`);
  for (const f of results.failures) console.log(`  FAILED ${f.title}\n    ${f.message.split('\n').slice(0, 6).join('\n    ')}`);
  console.log(`${host}: ${results.passed} passed, ${results.failed} failed (${detail}, ${seconds.toFixed(1)} s)`);
  return results.failed === 0 && results.passed > 0;
}

async function runInCodeServer() {
  ensureCodeServer();
  const workspace = tempDir('nas-ws-');
  const userDataDir = tempDir('nas-user-');
  const extensionsDir = tempDir('nas-ext-');
  const resultsFile = join(tempDir('nas-results-'), 'results.json');
  const started = Date.now();
  const server = await startCodeServer({ workspace, userDataDir, extensionsDir, env: { LLAMBO_NAS_TEST_RESULTS: resultsFile } });
  const browser = await launchChromium();
  const log = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Seconds since the run started, so a slow step can be told from a stuck one.
    const at = () => `+${((Date.now() - started) / 1000).toFixed(1)}s`;
    page.on('console', (message) => log.push(`${at()} [${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => log.push(`${at()} [pageerror] ${error.message}`));
    const exitCode = new Promise((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => log.push(`${at()} [automation ${type}] ${JSON.stringify(args)}`));
    const remote = (path) => `vscode-remote://remote${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(join(testsOut, 'index'))],
      ['skipWelcome', 'true'],
    ];
    await page.goto(workbenchUrl(server.url, workspace, payload));
    const timeout = new Promise((resolveTimeout) => setTimeout(() => resolveTimeout('timeout'), SUITE_TIMEOUT_MS));
    const code = await Promise.race([exitCode, timeout]);
    if (code === 'timeout') console.log(`code-server: the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
    await page.screenshot({ path: join(ensureArtifactsDir(), 'vscode-test-final.png') }).catch(() => {});
  } finally {
    writeFileSync(join(ensureArtifactsDir(), 'vscode-test-console.log'), log.join('\n') + '\n' + server.output.join(''));
    await browser.close();
    await server.stop();
    removeQuietly(workspace, userDataDir, extensionsDir);
  }
  const ok = printResults('code-server', 'VS Code 1.100.3 in code-server 4.100.3', readResults(resultsFile), (Date.now() - started) / 1000);
  removeQuietly(join(resultsFile, '..'));
  return ok;
}

async function runInDesktopVsCode() {
  const executable = process.env.VSCODE_EXECUTABLE;
  if (!executable) {
    console.log('desktop VS Code: skipped (set VSCODE_EXECUTABLE to a VS Code binary to run the same suite with @vscode/test-electron)');
    return true;
  }
  const { runTests } = require('@vscode/test-electron');
  const workspace = tempDir('nas-ws-');
  const resultsFile = join(tempDir('nas-results-'), 'results.json');
  const started = Date.now();
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: join(testsOut, 'index'),
      extensionTestsEnv: { LLAMBO_NAS_TEST_RESULTS: resultsFile },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    });
  } catch (error) {
    console.log(`desktop VS Code: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    removeQuietly(workspace);
  }
  return printResults('desktop-vscode', executable, readResults(resultsFile), (Date.now() - started) / 1000);
}

async function main() {
  for (const bundle of ['extension.js', 'worker.js', 'webview.js', 'charts.js']) {
    if (!existsSync(join(root, 'dist', bundle))) {
      console.error(`dist/${bundle} is missing: run \`npm run build\` first (or \`npm run test:vscode\`, which builds).`);
      process.exit(1);
    }
  }
  await buildSuite();
  const codeServerOk = await runInCodeServer();
  const desktopOk = await runInDesktopVsCode();
  process.exit(codeServerOk && desktopOk ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
