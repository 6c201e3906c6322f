// UI smoke test of the packaged extension in code-server + headless Chromium: packages the VSIX,
// installs it into a fresh extensions folder, then, like a user, runs "NAS: Start NAS study" from the
// command palette with the defaults, waits for the study panel to show the finished study, saves a
// screenshot in test-artifacts/, reloads the window and checks the panel comes back with its study.
// Run after `npm run build` (`npm run test:ui` does both).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureArtifactsDir, ensureCodeServer, installVsix, launchChromium, removeQuietly, root, startCodeServer, tempDir, workbenchUrl,
} from './test-vscode.mjs';

const STEP_TIMEOUT_MS = 60_000;
const artifacts = ensureArtifactsDir();
const timings = {};

function packageVsix() {
  const out = join(root, '.vscode-test', 'llambo-nas.vsix');
  const started = Date.now();
  // --skip-license/--allow-missing-repository: vsce would otherwise stop at a y/N prompt.
  const local = process.env.VSCE_BIN ?? join(root, 'node_modules', '.bin', 'vsce');
  const [command, ...prefix] = existsSync(local) ? [local] : ['npx', '--yes', '@vscode/vsce@3'];
  const args = [...prefix, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', out];
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vsce package failed:\n${result.stdout}\n${result.stderr}`);
  timings.packageMs = Date.now() - started;
  return { path: out, bytes: statSync(out).size };
}

/** Runs a palette command by its title, retrying while extension commands are still loading. */
async function runCommand(page, title) {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= 12) throw error;
    }
  }
}

/** The study panel's content frame (webviews nest the page in iframe#active-frame). */
function panelFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function main() {
  ensureCodeServer();
  const vsix = packageVsix();
  console.log(`VSIX: ${vsix.path} (${(vsix.bytes / 1024 / 1024).toFixed(2)} MB)`);
  const workspace = tempDir('nas-ui-ws-');
  const userDataDir = tempDir('nas-ui-user-');
  const extensionsDir = tempDir('nas-ui-ext-');
  installVsix(vsix.path, extensionsDir, userDataDir);
  const server = await startCodeServer({ workspace, userDataDir, extensionsDir });
  const browser = await launchChromium();
  const log = [];
  const cspViolations = [];
  let ok = false;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      log.push(`[${m.type()}] ${m.text()}`);
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    let started = Date.now();
    await page.goto(workbenchUrl(server.url, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT_MS });
    timings.workbenchMs = Date.now() - started;

    started = Date.now();
    await runCommand(page, 'NAS: Start NAS study');
    // The first item runs at once with the defaults (5 h, 4 workers, random, sync Hyperband).
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Start' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    const frame = panelFrame(page);
    await frame.locator('main[data-status="finished"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    timings.studyToPanelMs = Date.now() - started;
    const studyId = await frame.locator('h1.study-id').textContent();
    const trials = await frame.locator('main').getAttribute('data-trials');
    await page.screenshot({ path: join(artifacts, 'ui-smoke-panel.png') });
    console.log(`panel shows ${studyId}: finished, ${trials} trials`);

    started = Date.now();
    // Wait for the new page load, so the old page's panel cannot satisfy the check below.
    await Promise.all([page.waitForEvent('load', { timeout: STEP_TIMEOUT_MS }), runCommand(page, 'Developer: Reload Window')]);
    await page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT_MS });
    const restored = panelFrame(page).locator('h1.study-id', { hasText: studyId ?? '' });
    await restored.waitFor({ timeout: STEP_TIMEOUT_MS });
    timings.reloadRestoreMs = Date.now() - started;
    await page.screenshot({ path: join(artifacts, 'ui-smoke-after-reload.png') });
    console.log(`after "Reload Window" the panel shows ${studyId} again`);
    ok = Number(trials) > 0 && cspViolations.length === 0;
    if (cspViolations.length > 0) console.log(`CSP violations:\n  ${cspViolations.join('\n  ')}`);
  } catch (error) {
    console.log(`UI smoke failed: ${error instanceof Error ? error.message : String(error)}`);
    await browser.contexts()[0]?.pages()[0]?.screenshot({ path: join(artifacts, 'ui-smoke-failure.png') }).catch(() => {});
  } finally {
    writeFileSync(join(artifacts, 'ui-smoke-console.log'), log.join('\n') + '\n' + server.output.join(''));
    await browser.close();
    await server.stop();
    removeQuietly(workspace, userDataDir, extensionsDir);
  }
  console.log(`timings: ${JSON.stringify(timings)}`);
  console.log(`UI smoke: ${ok ? 'passed' : 'FAILED'} (screenshots in ${artifacts})`);
  process.exit(ok ? 0 : 1);
}

await main();
