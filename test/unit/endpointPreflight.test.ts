import { closedPort } from '../support/closedPort';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { redactUrlCredentials } from '../../src/core/llm/secretRedactor';
import { checkEndpoint, EndpointUnusableError, preflightMessage, requireUsableEndpoint } from '../../src/core/llm/endpointPreflight';
import { chatCompletion, FakeLlmServer } from '../support/fakeLlmServer';

const KEY = `sk-preflight-${process.pid}-do-not-print`;


async function failure(promise: Promise<unknown>): Promise<EndpointUnusableError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EndpointUnusableError, `expected EndpointUnusableError, got ${String(error)}`);
    return error;
  }
  assert.fail('the preflight passed');
}

test('connection refused: named with the URL, the model and how to start a server', async () => {
  const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  const error = await failure(requireUsableEndpoint({ baseUrl, model: 'llama3.1' }, 'cli'));
  assert.equal(error.outcome.problem, 'refused');
  assert.ok(error.message.includes(baseUrl), error.message);
  assert.match(error.message, /model "llama3\.1"/);
  assert.match(error.message, /connection refused/);
  assert.match(error.message, /ollama serve/);
  assert.match(error.message, /--llm-base-url/);
  const inExtension = await failure(requireUsableEndpoint({ baseUrl, model: 'llama3.1' }, 'extension'));
  assert.match(inExtension.message, /llamboNas\.llm\.baseUrl/);
});

test('401 on GET /models: the key is refused; the fix names the surface, the key is never shown', async () => {
  const server = await new FakeLlmServer(() => ({ json: chatCompletion() }), { modelListStatus: 401 }).start();
  try {
    const cli = await failure(requireUsableEndpoint({ baseUrl: server.baseUrl, model: 'fake-model', apiKey: KEY }, 'cli'));
    assert.equal(cli.outcome.problem, 'unauthorized');
    assert.equal(cli.outcome.ok === false && cli.outcome.status, 401);
    assert.match(cli.message, /refused the API key \(HTTP 401/);
    assert.match(cli.message, /OPENAI_API_KEY/);
    assert.ok(!cli.message.includes(KEY));
    const ext = await failure(requireUsableEndpoint({ baseUrl: server.baseUrl, model: 'fake-model', apiKey: KEY }, 'extension'));
    assert.match(ext.message, /NAS: Set API key/);
    assert.equal(server.requests.length, 0, 'no chat request after the list said 401');
    assert.equal(server.modelListRequests.count, 2);
  } finally {
    await server.close();
  }
});

test('403 from the chat probe when the server lists no models: unauthorized', async () => {
  const server = await new FakeLlmServer(() => ({ status: 403, json: { error: { message: 'forbidden' } } }), { models: null }).start();
  try {
    const outcome = await checkEndpoint({ baseUrl: server.baseUrl, model: 'm' });
    assert.deepEqual([outcome.ok, !outcome.ok && outcome.problem, !outcome.ok && outcome.status], [false, 'unauthorized', 403]);
    const message = preflightMessage({ baseUrl: server.baseUrl, model: 'm' }, outcome as Extract<typeof outcome, { ok: false }>, 'cli');
    assert.match(message, /wants an API key and none was sent/);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('404 model (Ollama wording): the models the server has and "ollama pull" are in the message', async () => {
  const server = await new FakeLlmServer(
    (body) => ({ status: 404, json: { error: { message: `model "${body.model}" not found, try pulling it first`, type: 'api_error' } } }),
    { models: ['qwen2.5:7b', 'llama3.2:latest'] },
  ).start();
  try {
    const error = await failure(requireUsableEndpoint({ baseUrl: server.baseUrl, model: 'llama3.1' }, 'extension'));
    assert.equal(error.outcome.problem, 'modelNotFound');
    assert.deepEqual(error.outcome.ok === false && error.outcome.availableModels, ['qwen2.5:7b', 'llama3.2:latest']);
    assert.match(error.message, /model "llama3\.1" is not available/);
    assert.match(error.message, /The server has: qwen2\.5:7b, llama3\.2:latest/);
    assert.match(error.message, /ollama pull llama3\.1/);
    assert.match(error.message, /llamboNas\.llm\.model/);
    assert.equal(server.requests.length, 1, 'one chat probe, after the list did not name the model');
    assert.equal(server.requests[0].body.max_tokens, 1, 'the probe asks for one token');
  } finally {
    await server.close();
  }
});

test('404 without a model in the message: no OpenAI-compatible API at that base URL', async () => {
  const server = await new FakeLlmServer(() => ({ status: 404, rawBody: 'Not Found' }), { models: null }).start();
  try {
    const error = await failure(requireUsableEndpoint({ baseUrl: server.baseUrl, model: 'm' }, 'cli'));
    assert.equal(error.outcome.problem, 'noApi');
    assert.match(error.message, /usually ends in \/v1/);
  } finally {
    await server.close();
  }
});

test('OK: a listed model needs no chat request; Ollama\'s ":latest" counts as the same model', async () => {
  const server = await new FakeLlmServer(() => ({ json: chatCompletion() }), { models: ['llama3.1:latest', 'fake-model'] }).start();
  try {
    assert.deepEqual(await checkEndpoint({ baseUrl: server.baseUrl, model: 'fake-model' }), { ok: true, checkedBy: 'modelList' });
    assert.deepEqual(await checkEndpoint({ baseUrl: server.baseUrl, model: 'llama3.1' }), { ok: true, checkedBy: 'modelList' });
    assert.equal(server.requests.length, 0);
    assert.equal(server.modelListRequests.count, 2);
  } finally {
    await server.close();
  }
});

test('OK: a server without GET /models is checked with a one-token chat that carries the key', async () => {
  const server = await new FakeLlmServer(() => ({ json: chatCompletion({ texts: ['O'] }) }), { models: null }).start();
  try {
    const outcome = await requireUsableEndpoint({ baseUrl: server.baseUrl, model: 'm', apiKey: KEY }, 'cli');
    assert.deepEqual(outcome, { ok: true, checkedBy: 'chat' });
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(server.requests[0].body.model, 'm');
  } finally {
    await server.close();
  }
});

test('a 5xx to the probe stops the study; a 400 (server disliked the tiny request) does not', async () => {
  const server = await new FakeLlmServer(() => ({ status: 500, json: { error: { message: 'model failed to load' } } }), { models: null }).start();
  try {
    const error = await failure(requireUsableEndpoint({ baseUrl: server.baseUrl, model: 'm' }, 'cli'));
    assert.equal(error.outcome.problem, 'serverError');
    assert.match(error.message, /model failed to load/);
    server.setResponder(() => ({ status: 400, json: { error: { message: 'max_tokens too small' } } }));
    const outcome = await checkEndpoint({ baseUrl: server.baseUrl, model: 'm' });
    assert.equal(outcome.ok, true);
    assert.match((outcome as { note?: string }).note ?? '', /HTTP 400/);
  } finally {
    await server.close();
  }
});

test('a server that accepts the connection and never answers: timeout, after the short preflight limit', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => { sockets.push(socket); });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
  try {
    const error = await failure(requireUsableEndpoint({ baseUrl, model: 'm' }, 'cli', { timeoutMs: 300 }));
    assert.equal(error.outcome.problem, 'timeout');
    assert.match(error.message, /no answer from .* within 0\.3 s/);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((done) => silent.close(() => done()));
  }
});

test('DNS failure is told apart from a refused connection', async () => {
  const dnsError = Object.assign(new Error('getaddrinfo ENOTFOUND no-such-host.invalid'), { code: 'ENOTFOUND' });
  const fetchThatCannotResolve = (() => Promise.reject(new TypeError('fetch failed', { cause: dnsError }))) as unknown as typeof fetch;
  const error = await failure(requireUsableEndpoint({ baseUrl: 'http://no-such-host.invalid/v1', model: 'm' }, 'cli', { fetch: fetchThatCannotResolve }));
  assert.equal(error.outcome.problem, 'dns');
  assert.match(error.message, /host of http:\/\/no-such-host\.invalid\/v1 .* was not found/);
});

test('credentials in the base URL are never printed', async () => {
  assert.equal(redactUrlCredentials('http://user:pass@127.0.0.1:9/v1'), 'http://***@127.0.0.1:9/v1');
  const port = await closedPort();
  const error = await failure(requireUsableEndpoint({ baseUrl: `http://user:secret-pw@127.0.0.1:${port}/v1`, model: 'm' }, 'cli'));
  assert.ok(!error.message.includes('secret-pw'), error.message);
});

test('the model list of a plain HTTP server that is not an LLM server falls through to the chat probe', async () => {
  const server = createHttpServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>hello</html>'); });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const outcome = await checkEndpoint({ baseUrl, model: 'm' });
    assert.deepEqual([outcome.ok, !outcome.ok && outcome.problem], [false, 'noApi']);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
});

test('the status is named once in the message', async () => {
  const server = await new FakeLlmServer(() => ({ status: 404, json: { error: { message: 'model "x" not found, try pulling it first' } } }), { models: ['y'] }).start();
  try {
    const error = await failure(requireUsableEndpoint({ baseUrl: server.baseUrl, model: 'x' }, 'cli'));
    assert.match(error.message, /\(HTTP 404: model "x" not found, try pulling it first\)/);
    assert.doesNotMatch(error.message, /HTTP 404: HTTP 404/);
  } finally {
    await server.close();
  }
});
