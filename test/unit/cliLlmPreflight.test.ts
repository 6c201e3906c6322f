import { closedPort } from '../support/closedPort';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeLlmServer } from '../support/fakeLlmServer';
import { noiseReplier, serverResponder } from '../support/llmResponders';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const skip = existsSync(CLI) ? false : `${CLI} is missing (npm test builds it first)`;
const KEY = `sk-preflight-cli-${process.pid}-do-not-print`;

function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OPENAI_API_KEY|LLAMBO_BASE_URL|LLAMBO_MODEL)$/.test(name)));
  return { ...base, ...extra };
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}


test('study --searcher llambo on a closed port: exit 1 with the URL, the model and the fix, and no study', { skip }, async () => {
  const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  const dir = mkdtempSync(join(tmpdir(), 'cli-preflight-'));
  try {
    const run = await spawnCli(['study', '--searcher', 'llambo', '--llm-base-url', baseUrl, '--model', 'm', '--out', join(dir, 's')]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /LLM endpoint check failed, the study was not started/);
    assert.ok(run.stderr.includes(`${baseUrl} (model "m")`), run.stderr);
    assert.match(run.stderr, /connection refused/);
    assert.match(run.stderr, /--llm-base-url/);
    assert.equal(run.stdout, '', 'no summary: nothing ran');
    assert.equal(existsSync(join(dir, 's')), false, 'no study folder is made before the check passes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare with llambo on a closed port: exit 1 before the first study', { skip }, async () => {
  const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  const run = await spawnCli(['compare', '--searchers', 'random,llambo', '--seeds', '1', '--hours', '1', '--llm-base-url', baseUrl, '--model', 'm', '--json']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /connection refused/);
  assert.equal(run.stdout, '');
});

test('a model the server does not have: exit 1 naming it, the models there, and "ollama pull"', { skip }, async () => {
  const server = await new FakeLlmServer(
    (body) => ({ status: 404, json: { error: { message: `model "${body.model}" not found, try pulling it first` } } }),
    { models: ['fake-model'] },
  ).start();
  try {
    const run = await spawnCli(['study', '--searcher', 'llambo', '--llm-base-url', server.baseUrl, '--model', 'llama3.1', '--json']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /model "llama3\.1" is not available/);
    assert.match(run.stderr, /The server has: fake-model/);
    assert.match(run.stderr, /ollama pull llama3\.1/);
    assert.equal(server.requests.length, 1, 'one probe, no study');
  } finally {
    await server.close();
  }
});

test('a refused key: exit 1 pointing at OPENAI_API_KEY, the key never printed', { skip }, async () => {
  const server = await new FakeLlmServer(() => ({ status: 401, json: { error: { message: 'Incorrect API key provided' } } }), { modelListStatus: 401 }).start();
  try {
    const run = await spawnCli(['study', '--searcher', 'llambo', '--llm-base-url', server.baseUrl, '--model', 'fake-model'], cliEnv({ OPENAI_API_KEY: KEY }));
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /refused the API key \(HTTP 401/);
    assert.match(run.stderr, /OPENAI_API_KEY/);
    assert.ok(!run.stderr.includes(KEY) && !run.stdout.includes(KEY));
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test('the check passes but chat calls are refused mid-study: warned at once, summary says why, exit 3', { skip }, async () => {
  const server = await new FakeLlmServer(() => ({ status: 401, json: { error: { message: 'key revoked' } } })).start();
  try {
    const run = await spawnCli(['study', '--searcher', 'llambo', '--hours', '2', '--llm-base-url', server.baseUrl, '--model', 'fake-model', '--json']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /warning: LLM unhealthy: endpoint disabled at 0\.00 h simulated/);
    assert.match(run.stderr, /error: study \S+ ran without its LLM \(the endpoint refused the API key \(HTTP 401\)/);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.llm.health.status, 'unhealthy');
    assert.equal(summary.llm.health.ranWithoutLlm, true);
    assert.match(summary.llm.health.endpointDisabled, /HTTP 401/);
    assert.equal(summary.llm.fallbacks, summary.llm.newConfigs, 'every config a marked fallback');
    assert.equal(server.requests.length, 1, 'after the 401 no request was sent');
  } finally {
    await server.close();
  }
});

test('a healthy LLM study: text summary says "LLM health healthy", exit 0', { skip }, async () => {
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  try {
    const run = await spawnCli(['study', '--searcher', 'llambo', '--hours', '1', '--llm-base-url', server.baseUrl, '--model', 'fake-model']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /LLM health +healthy/);
    assert.doesNotMatch(run.stderr, /LLM unhealthy/);
    assert.equal(server.modelListRequests.count, 1, 'one preflight request, answered by the model list');
  } finally {
    await server.close();
  }
});
