import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { runCli } from '../../src/cli/main';
import { redactUrlCredentials, SecretRedactor } from '../../src/core/llm/secretRedactor';
import { echoResponder, FakeLlmServer } from '../support/fakeLlmServer';

const PASSWORD = 'pw-s3cret-9876';
const HEADER_VALUE = 'hdr-s3cret-5432';

test('base URL credentials are shown as ***@, in any text', () => {
  assert.equal(redactUrlCredentials('http://user:pass@host/v1'), 'http://***@host/v1');
  assert.equal(redactUrlCredentials('failed: https://tok@api.example.com/v1/chat and http://h/v1'), 'failed: https://***@api.example.com/v1/chat and http://h/v1');
  assert.equal(new SecretRedactor([]).redact('at http://a:b@127.0.0.1:9/v1'), 'at http://***@127.0.0.1:9/v1');
});

test('a study with URL credentials and llm.headers never writes or prints them (study.json, events, stdout, stderr)', async () => {
  const server = await new FakeLlmServer(echoResponder).start();
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  try {
    const baseUrl = server.baseUrl.replace('http://', `http://llambo:${PASSWORD}@`);
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify({ llm: { baseUrl, model: 'm', headers: { 'X-Proxy-Token': HEADER_VALUE } } }));
    const lines: string[] = [];
    const out: CommandOutput = { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l), progressStream: process.stderr };
    const code = await runCli(['study', '--searcher', 'llambo', '--spec', specPath, '--hours', '0.05', '--out', join(dir, 'out'), '--llm-cache-mode', 'live'], out, undefined, {});
    const printed = lines.join('\n');
    assert.ok(server.requests.length > 0, `the study called the endpoint (exit ${code}): ${printed}`);
    assert.equal(server.requests[0].headers['x-proxy-token'], HEADER_VALUE, 'the header still reaches the endpoint');
    const written = readdirSync(join(dir, 'out')).map((f) => readFileSync(join(dir, 'out', f), 'utf8')).join('\n');
    for (const [where, text] of [['printed', printed], ['written', written]] as const) {
      assert.ok(!text.includes(PASSWORD), `${where} text holds the URL password`);
      assert.ok(!text.includes(HEADER_VALUE), `${where} text holds the header value`);
    }
    assert.match(printed, /http:\/\/\*\*\*@127\.0\.0\.1/);
    assert.match(written, /"X-Proxy-Token":"\*\*\*"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});
