import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { runCli } from '../../src/cli/main';
import { chatCompletion, FakeLlmServer } from '../support/fakeLlmServer';
import { noiseReplier, serverResponder } from '../support/llmResponders';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const skip = existsSync(CLI) ? false : `${CLI} is missing (npm test builds it first)`;
// A key-shaped secret unique to this run: it must reach the server and nothing else.
const KEY = `sk-cli-test-${process.pid}-${Date.now().toString(36)}-do-not-print`;
const LLM_FIELDS = ['requests', 'promptTokens', 'completionTokens', 'costUsd', 'cacheHits', 'parseFailures', 'fallbacks', 'newConfigs', 'failedCalls', 'httpRequests', 'retries'];

/** Environment of the spawned CLI: the developer's LLM settings removed, the test's added. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OPENAI_API_KEY|LLAMBO_BASE_URL|LLAMBO_MODEL)$/.test(name)));
  return { ...base, ...extra };
}

/** Spawns dist/cli.js without blocking this process (the fake server lives in it). */
function spawnCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill(), 120_000);
    child.on('error', fail);
    child.on('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
  });
}

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const out: CommandOutput = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), progressStream: process.stderr };
  const code = await runCli(argv, out, undefined, env);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

test('study --searcher llambo --json over HTTP: LLM counters match the server, the key is sent but never shown; replay-strict repeats it offline', { skip }, async () => {
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  const dir = mkdtempSync(join(tmpdir(), 'cli-llambo-'));
  try {
    const env = cliEnv({ LLAMBO_BASE_URL: server.baseUrl, LLAMBO_MODEL: 'fake-model', OPENAI_API_KEY: KEY });
    const args = ['study', '--searcher', 'llambo', '--hours', '1', '--seed', '2', '--json', '--out', join(dir, 'study')];
    const live = await spawnCli([...args, '--llm-cache-mode', 'record'], env);
    assert.equal(live.code, 0, live.stderr);
    const lines = live.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one JSON line');
    const summary = JSON.parse(lines[0]);
    assert.equal(summary.searcher, 'llambo');
    for (const field of LLM_FIELDS) assert.equal(typeof summary.llm[field], 'number', `llm.${field}`);
    const { llm } = summary;
    assert.ok(llm.requests > 0);
    assert.equal(llm.requests, server.requests.length, 'one HTTP request per LLM request (no faults injected)');
    assert.equal(llm.httpRequests, server.requests.length);
    assert.equal(llm.promptTokens, 10 * llm.requests, 'usage comes from the replies (the double reports 10 + 5 tokens)');
    assert.equal(llm.completionTokens, 5 * llm.requests);
    const y = llm.proposalYield;
    const refused = Object.values(y.refused as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.deepEqual(Object.keys(y.refused), ['evaluated', 'pending', 'duplicate', 'isomorphic', 'invalidOp', 'wrongEdgeCount', 'disconnected']);
    assert.ok(y.proposed > 0 && y.proposed === y.accepted + y.unused + refused, 'every proposed cell is accepted, unused or refused');
    assert.equal(llm.newConfigs, summary.trialsStarted);
    assert.ok(llm.requests <= llm.newConfigs, `batched: ${llm.requests} requests for ${llm.newConfigs} new configs`);
    assert.equal(llm.cacheHits, 0);
    assert.deepEqual(summary.llmEndpoint, {
      baseUrl: server.baseUrl, model: 'fake-model', cacheMode: 'record', cachePath: join(dir, 'study', 'llm-cache.jsonl'), keyFrom: 'OPENAI_API_KEY',
    });
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`), 'the key from OPENAI_API_KEY is what authenticates');

    // Replay from the recording with a server that now fails every request: nothing may reach it.
    const recorded = server.requests.length;
    server.setResponder(() => ({ status: 500, json: chatCompletion({ texts: ['must not be used'] }) }));
    const replay = await spawnCli([...args, '--force', '--llm-cache-mode', 'replay-strict'], env);
    assert.equal(replay.code, 0, replay.stderr);
    const again = JSON.parse(replay.stdout);
    assert.equal(server.requests.length, recorded, 'replay-strict sends no request');
    assert.equal(again.llm.cacheHits, again.llm.requests);
    assert.equal(again.llm.requests, llm.requests);
    assert.deepEqual([again.trialsStarted, again.resultsReported, again.incumbentArch], [summary.trialsStarted, summary.resultsReported, summary.incumbentArch]);

    const files = filesUnder(dir);
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)).sort(), ['study/events.jsonl', 'study/llm-cache.jsonl', 'study/study.json']);
    for (const text of [live.stdout, live.stderr, replay.stdout, replay.stderr, ...files.map((f) => readFileSync(f, 'utf8'))]) {
      assert.ok(!text.includes(KEY), 'the API key never appears in output or study files');
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('study without --searcher runs LLAMBO when LLAMBO_BASE_URL and LLAMBO_MODEL are set, and prints the LLM block', async () => {
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  try {
    const env = { LLAMBO_BASE_URL: server.baseUrl, LLAMBO_MODEL: 'fake-model' };
    const text = await cli(env, 'study', '--hours', '1', '--seed', '1');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Study llambo-sync-hyperband-s1-\S+: llambo searcher/m);
    const requests = Number(/LLM requests +(\d+) +\((\d+\.\d+) per new config/.exec(text.stdout)?.[1]);
    assert.equal(requests, server.requests.length);
    assert.match(text.stdout, /LLM tokens +\d+ prompt \+ \d+ completion/);
    assert.match(text.stdout, /LLM cost +\$0\.0000 +\(no price known for "fake-model"/);
    assert.match(text.stdout, /cache hits +0/);
    assert.match(text.stdout, /parse failures +\d+/);
    assert.match(text.stdout, /proposal yield +\d+ cells proposed: \d+ accepted, \d+ unused, \d+ refused/);
    assert.match(text.stdout, /fallbacks +\d+ of \d+ new configs/);
    assert.match(text.stdout, /LLM time ignored: flatters LLAMBO/);
    assert.match(text.stderr, /LLM: fake-model at http:\/\/127\.0\.0\.1:\d+\/v1 \(key: none sent\)/);
    assert.ok(server.requests.every((r) => r.headers.authorization !== `Bearer ${KEY}`));

    const modelled = await cli(env, 'study', '--hours', '1', '--llm-latency-mode', 'modelled', '--llm-seconds-per-call', '0.8', '--json');
    assert.equal(modelled.code, 0, modelled.stderr);
    const summary = JSON.parse(modelled.stdout);
    assert.equal(summary.searcher, 'llambo');
    assert.equal(summary.decisionTime, 'modelled');
    assert.equal(summary.secondsPerLlmCall, 0.8);
    assert.equal(summary.delay.mode, 'modelled');
    assert.equal(summary.delay.prefetch, true, 'prefetch is on by default');
    assert.ok(summary.delay.chargedSeconds < summary.delay.llmSeconds, JSON.stringify(summary.delay));
    assert.ok(summary.delay.idleWorkerSeconds > 0 && Math.abs(summary.delay.idleShare - summary.delay.idleWorkerSeconds / (4 * 3600)) < 1e-5, 'idle share of 4 workers x 1 h');

    const off = await cli(env, 'study', '--hours', '1', '--llm-latency-mode', 'modelled', '--llm-seconds-per-call', '0.8', '--no-prefetch');
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /LLM delay +[\d.]+ s LLM, [\d.]+ s charged to the clock; \d+ worker-seconds idle waiting for configs \([\d.]+% of workers x budget\); modelled, prefetch off/);
  } finally {
    await server.close();
  }
});

test('compare accepts llambo, bohb-llambo and NAME+warm[@scheduler] next to the baselines', async () => {
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  try {
    const result = await cli({}, 'compare', '--searchers', 'random,llambo,bohb-llambo,rea+warm@asha,dehb+warm', '--seeds', '2', '--hours', '1',
      '--llm-base-url', server.baseUrl, '--model', 'fake-model', '--json');
    assert.equal(result.code, 0, result.stderr);
    const comparison = JSON.parse(result.stdout);
    assert.deepEqual(comparison.rows.map((r: { label: string }) => r.label), ['random', 'llambo', 'bohb-llambo', 'rea+warm@asha', 'dehb+warm']);
    assert.deepEqual(comparison.rows.map((r: { scheduler: string }) => r.scheduler), ['sync-hyperband', 'sync-hyperband', 'sync-hyperband', 'asha', 'dehb']);
    assert.equal(comparison.runs.length, 10);
    assert.ok(comparison.runs.every((r: { trialsStarted: number }) => r.trialsStarted > 0));
    assert.ok(server.requests.length > 0);
    const text = await cli({}, 'compare', '--searchers', 'random,llambo', '--seeds', '1', '--hours', '0.5',
      '--llm-base-url', server.baseUrl, '--model', 'fake-model', '--llm-latency-mode', 'measured');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /LLM searchers used fake-model at .*; measured: the recorded latency/);
  } finally {
    await server.close();
  }
});

test('Ctrl-C during LLM calls cancels the study: exit code 130 and a summary that says so', { skip }, async () => {
  const replies = serverResponder(noiseReplier);
  const server = await new FakeLlmServer(async (body, index, request) => ({ ...(await replies(body, index, request)), delayMs: 400 })).start();
  try {
    const child = spawn(process.execPath, [CLI, 'study', '--searcher', 'llambo', '--json'], {
      env: cliEnv({ LLAMBO_BASE_URL: server.baseUrl, LLAMBO_MODEL: 'fake-model' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    const started = Date.now();
    while (server.requests.length < 2 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 130);
    const summary = JSON.parse(stdout);
    assert.equal(summary.stopReason, 'cancelled');
    assert.ok(summary.simulatedSeconds < 18_000);
  } finally {
    await server.close();
  }
});
