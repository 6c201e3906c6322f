// Runs every test stage (unit tests in node's runner, the statistical claims over seeds in node's
// runner, the panel's webview tests in headless Chromium, the Mocha suite in a real VS Code extension
// host, the UI smoke test in code-server + Chromium), streams their output, and ends with one total
// line "N passed, N failed". Stages are independent: a failing stage does not hide the others' results.
// Before the first stage that drives Chromium, a missing Chromium is installed with
// scripts/install-code-server.sh (the vscode and ui stages also install code-server themselves).
import { spawn } from 'node:child_process';
import { ensureChromium } from './test-vscode.mjs';

const nodeTestCounts = (out) => ({ passed: lastNumber(out, /^ℹ pass (\d+)/gm), failed: lastNumber(out, /^ℹ fail (\d+)/gm) });

const stages = [
  { name: 'unit', command: 'npm run --silent test:unit', count: nodeTestCounts },
  { name: 'stats', command: 'npm run --silent test:stats', count: nodeTestCounts },
  {
    name: 'webview',
    command: 'node scripts/test-webview.mjs',
    needsChromium: true,
    count: (out) => sumMatches(out, /^webview: (\d+) passed, (\d+) failed/gm),
  },
  {
    name: 'vscode',
    command: 'node scripts/test-vscode.mjs',
    needsChromium: true,
    count: (out) => sumMatches(out, /^[\w-]+: (\d+) passed, (\d+) failed/gm),
  },
  {
    name: 'ui',
    command: 'node scripts/ui-smoke.mjs',
    needsChromium: true,
    count: (out) => (/^UI smoke: passed/m.test(out) ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }),
  },
];

const skipVscode = process.env.LLAMBO_SKIP_VSCODE_TESTS === '1';
let passed = 0;
let failed = 0;
let chromiumChecked = false;
for (const stage of stages) {
  if (skipVscode && stage.needsChromium) {
    console.log(`[${stage.name}] skipped: LLAMBO_SKIP_VSCODE_TESTS=1`);
    continue;
  }
  if (stage.needsChromium && !chromiumChecked) {
    chromiumChecked = true;
    try {
      ensureChromium();
    } catch (error) {
      // The stages below then fail on their own, each counted as a failure.
      console.error(`[install] ${error instanceof Error ? error.message : error}`);
    }
  }
  console.log(`\n[${stage.name}] ${stage.command}`);
  const { code, output } = await run(stage.command);
  const counts = stage.count(output);
  // A stage that crashed before reporting counts as one failure, so it can never pass silently.
  const stageFailed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
  passed += counts.passed;
  failed += stageFailed;
  console.log(`[${stage.name}] exit ${code}: ${counts.passed} passed, ${stageFailed} failed`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

function run(command) {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.on('data', (chunk) => { output += chunk; process.stderr.write(chunk); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function lastNumber(text, pattern) {
  const all = [...text.matchAll(pattern)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
}

function sumMatches(text, pattern) {
  let passedSum = 0;
  let failedSum = 0;
  for (const m of text.matchAll(pattern)) { passedSum += Number(m[1]); failedSum += Number(m[2]); }
  return { passed: passedSum, failed: failedSum };
}
