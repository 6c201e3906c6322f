// Issue 13, worker side: how long a warm study worker takes from worker/start to its first events and
// its first result, for the UI smoke's first study (the default plan with an endpoint: LLAMBO, study 1
// of 2, against the scripted LLM test double answering every request after 150 ms). Starts
// dist/worker.js as a thread exactly as src/extension/studyWorkerPool.ts does (workerData with
// warmTablePath and warmLlmModel), waits until it says it is warm, posts worker/start with the spec
// the extension sends (planSpecs + withStudySettings, bundled here with a stand-in for 'vscode'), and
// prints when each message arrived and the worker's own marks (worker/startSteps). Measures, asserts nothing.
//
//   node scripts/worker-start.mjs [--runs N] [--delay-ms 150] [--start-after-ms MS] [--cold-table] [--cold-code]
//                                 [--stop-after-first-result] [--events-out DIR] [--dist DIR]
//
// Run after `npm run build`. --events-out keeps each run's events.jsonl (DIR/run-<i>.jsonl), to compare
// two builds' events with time stamps left out. Each run is its own worker (one study per worker, as in
// the extension); the code cache in dist/.code-cache is used as the extension would after its first study.
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('--runs', '5'));
const delayMs = Number(option('--delay-ms', '150'));
const eventsOut = option('--events-out', undefined);
/** Post worker/start this long after the spare was started instead of once it is warm (the UI smoke accepts the pick at once). */
const startAfterMs = option('--start-after-ms', undefined);
/** A copy of the gzip table with no inflated cache beside it, as on a fresh install. */
const coldTable = args.includes('--cold-table');
/** Another build's dist/ folder (e.g. of the commit before a change), to compare; the spec and the test double stay this tree's. */
const dist = resolve(option('--dist', join(root, 'dist')));
/** Without V8's code cache (as the extension's first worker after an install or update). */
const coldCode = args.includes('--cold-code');
/** Cancel each study once its first result is in (the figure is about the start; the whole study takes ~15 s). */
const stopEarly = args.includes('--stop-after-first-result');
/** Without a worker/warm message (a build before it existed), the spare is given this long to load. */
const SETTLE_MS = Number(option('--settle-ms', '3000'));

const scratch = mkdtempSync(join(tmpdir(), 'nas-worker-start-'));

/** The test double, the settings reader and the spec builder of the extension, bundled for this script. */
async function loadHelpers() {
  const outfile = join(scratch, 'helpers.mjs');
  const vscodeStub = {
    name: 'vscode-stub',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', namespace: 'vscode-stub' }));
      build.onLoad({ filter: /.*/, namespace: 'vscode-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
  await esbuild.build({
    stdin: {
      contents: [
        "export { FakeLlmServer } from './test/support/fakeLlmServer';",
        "export { noiseReplier, serverResponder } from './test/support/llmResponders';",
        "export { planSpecs } from './src/extension/studyLauncher';",
        "export { withStudySettings } from './src/extension/studyLlmSettings';",
        "export { readNasSettings } from './src/extension/nasSettings';",
        "export { defaultPlan } from './src/extension/startStudyFlow';",
      ].join('\n'),
      resolveDir: root, loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning', plugins: [vscodeStub],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return import(pathToFileURL(outfile).href);
}

const helpers = await loadHelpers();
const respond = helpers.serverResponder(helpers.noiseReplier);
/** Epoch ms each chat request reached the test double (in this thread, which the worker's work does not block). */
const arrivals = [];
const llm = await new helpers.FakeLlmServer(async (body, index, request) => {
  arrivals.push(performance.timeOrigin + performance.now());
  return { ...(await respond(body, index, request)), delayMs };
}).start();

// The smoke's workspace settings (scripts/ui-smoke.mjs writeWorkspaceSettings), read as the extension reads them.
const settingValues = {
  'llm.baseUrl': llm.baseUrl, 'llm.model': 'fake-model', 'llm.requestsPerMinute': 1000000, 'llm.tokensPerMinute': 1000000000,
};
const settings = helpers.readNasSettings((key) => settingValues[key]);
const workspace = join(scratch, 'workspace');
const shippedTable = join(dist, 'data', readdirSync(join(dist, 'data')).find((f) => f.endsWith('.bin.gz')));
const plan = helpers.defaultPlan(settings, true);
const firstSpec = helpers.withStudySettings(helpers.planSpecs(plan, { settings: () => settings })[0], settings, workspace);
const model = firstSpec.llm.model;

const epochNow = () => performance.timeOrigin + performance.now();

/** One study in a fresh warm worker: the offsets (ms after worker/start was posted) of what it said. */
async function oneRun(i) {
  let tablePath = shippedTable;
  if (coldTable) {
    tablePath = join(scratch, `table-${i}`, 'nb201.bin.gz');
    mkdirSync(dirname(tablePath), { recursive: true });
    copyFileSync(shippedTable, tablePath);
  }
  const cancelFlag = new SharedArrayBuffer(4);
  const cpuAtSpawn = process.cpuUsage();
  const spawnedAt = epochNow();
  const worker = new Worker(join(dist, 'worker.js'), {
    workerData: { cancelFlag, warmTablePath: tablePath, warmLlmModel: model }, name: 'llambo-nas-study',
    ...(coldCode ? { env: { ...process.env, LLAMBO_NAS_CODE_CACHE: 'off' } } : {}),
  });
  const seen = { steps: {} };
  let postedAt = 0;
  let warmAt;
  let onWarm;
  const warm = new Promise((r) => { onWarm = r; });
  const done = new Promise((resolveDone, reject) => {
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`worker exited (code ${code})`)));
    worker.on('message', (message) => {
      const at = epochNow();
      const since = () => at - postedAt;
      switch (message.method) {
        case 'worker/warm':
          warmAt = at;
          onWarm();
          break;
        case 'worker/startSteps':
          for (const [step, stepAt] of Object.entries(message.params.marks)) seen.steps[step] ??= stepAt - postedAt;
          break;
        case 'worker/events': {
          seen.firstEvents ??= since();
          seen.batches = (seen.batches ?? 0) + 1;
          if (seen.firstResult === undefined && message.params.events.some((e) => e.type === 'result')) {
            seen.firstResult = since();
            const cpu = process.cpuUsage(cpuAtSpawn);
            seen.cpuSpawnToFirstResult = (cpu.user + cpu.system) / 1000;
            seen.eventsBeforeFirstResult = (seen.eventsSoFar ?? 0) + message.params.events.findIndex((e) => e.type === 'result');
            if (stopEarly) {
              Atomics.store(new Int32Array(cancelFlag), 0, 1);
              worker.postMessage({ method: 'worker/cancel', params: {} });
            }
          }
          seen.eventsSoFar = (seen.eventsSoFar ?? 0) + message.params.events.length;
          break;
        }
        case 'worker/progress':
          seen.firstProgress ??= since();
          break;
        case 'worker/finished':
          seen.finished = since();
          resolveDone();
          break;
        case 'worker/failed':
          reject(new Error(`worker failed: ${message.params.message}`));
          break;
      }
    });
  });
  await (startAfterMs !== undefined ? new Promise((r) => setTimeout(r, Number(startAfterMs)))
    : Promise.race([warm, new Promise((r) => setTimeout(r, SETTLE_MS))]));
  const studyId = `llambo-run-${i}`;
  const studyDir = join(workspace, '.nas-studies', studyId);
  mkdirSync(studyDir, { recursive: true });
  const requestsBefore = llm.requests.length;
  const arrivalsBefore = arrivals.length;
  const cpuBefore = process.cpuUsage();
  postedAt = epochNow();
  worker.postMessage({ method: 'worker/start', params: { spec: { ...firstSpec, studyId }, tablePath, studyDir, timeSteps: true } });
  await done;
  const cpu = process.cpuUsage(cpuBefore);
  await worker.terminate().catch(() => {});
  if (eventsOut) {
    mkdirSync(eventsOut, { recursive: true });
    copyFileSync(join(studyDir, 'events.jsonl'), join(eventsOut, `run-${i}.jsonl`));
  }
  if (arrivals.length > arrivalsBefore) seen.steps['(LLM server) firstRequestArrived'] = arrivals[arrivalsBefore] - postedAt;
  const events = readFileSync(join(studyDir, 'events.jsonl'), 'utf8').trim().split('\n').length;
  return {
    ...seen, events, warmAfterSpawn: warmAt === undefined ? undefined : warmAt - spawnedAt,
    requests: llm.requests.length - requestsBefore, cpuMs: (cpu.user + cpu.system) / 1000, startAfterSpawn: postedAt - spawnedAt,
  };
}

const results = [];
for (let i = 0; i < runs; i++) {
  const r = await oneRun(i);
  results.push(r);
  const steps = Object.entries(r.steps).sort((a, b) => a[1] - b[1]).map(([s, at]) => `${s} ${Math.round(at)}`).join(', ');
  console.log(`run ${i}: firstEvents ${Math.round(r.firstEvents)} ms, firstResult ${Math.round(r.firstResult)} ms ` +
    `(${r.eventsBeforeFirstResult} events before it), finished ${Math.round(r.finished)} ms, ${r.requests} LLM requests, ` +
    `process CPU ${Math.round(r.cpuMs)} ms from start to finished, ${Math.round(r.cpuSpawnToFirstResult)} ms from spawn to first result, ` +
    `start posted ${Math.round(r.startAfterSpawn)} ms after spawn, warm ${r.warmAfterSpawn === undefined ? 'unknown' : `${Math.round(r.warmAfterSpawn)} ms after spawn`}` +
    (steps ? `\n  worker steps (ms after worker/start was posted): ${steps}` : ''));
}

const median = (values) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const range = (values) => `${Math.round(Math.min(...values))}-${Math.round(Math.max(...values))}`;
const column = (key) => results.map((r) => r[key]);
console.log(`\n${runs} runs, LLM delay ${delayMs} ms, ${startAfterMs === undefined ? 'start once warm' : `start ${startAfterMs} ms after spawn`}` +
  `${coldTable ? ', table not cached' : ''}${coldCode ? ', no code cache' : ''}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const key of ['startAfterSpawn', 'firstProgress', 'firstEvents', 'firstResult', 'finished', 'cpuSpawnToFirstResult', 'cpuMs']) {
  console.log(`  ${key.padEnd(14)} median ${Math.round(median(column(key)))} ms (${range(column(key))})`);
}
const stepNames = [...new Set(results.flatMap((r) => Object.keys(r.steps)))];
const stepMedians = stepNames.map((s) => [s, median(results.map((r) => r.steps[s]))]).sort((a, b) => a[1] - b[1]);
for (const [s, m] of stepMedians) console.log(`  worker: ${s.padEnd(22)} median ${Math.round(m)} ms`);

await llm.close();
rmSync(scratch, { recursive: true, force: true });
