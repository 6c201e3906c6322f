import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandArgs } from '../../src/cli/cliArgs';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { applyLlmFlags, LLM_FLAGS } from '../../src/cli/llmFlags';
import { runCli } from '../../src/cli/main';
import { STUDY_FLAGS } from '../../src/cli/studyOptions';
import { parseStudySpec, type SearcherName } from '../../src/core/study/studySpec';

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const out: CommandOutput = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), progressStream: process.stderr };
  const code = await runCli(argv, out, undefined, env);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** The spec input and client set-up the flags give, as `study` builds them. */
function translate(argv: string[], env: NodeJS.ProcessEnv, options: { outDir?: string; searchers?: SearcherName[] } = {}) {
  const values = parseCommandArgs('study', argv, { ...STUDY_FLAGS, ...LLM_FLAGS });
  const input: Record<string, unknown> = { searcher: 'llambo' };
  const setup = applyLlmFlags(input, values, { searchers: options.searchers ?? ['llambo'], env, outDir: options.outDir });
  return { input, setup, spec: parseStudySpec(input) };
}

const LOCAL = 'http://127.0.0.1:9/v1'; // nothing listens there: none of these runs may reach an endpoint

test('LLM flag errors exit with code 2 before any request, and say what to do', async () => {
  const llambo = ['study', '--searcher', 'llambo', '--llm-base-url', LOCAL, '--model', 'm'];
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [[...llambo, '--llm-cache-mode', 'bogus'], {}, /--llm-cache-mode: must be one of live, record, replay-strict, replay-or-live \(got "bogus"\)/],
    [[...llambo, '--llm-latency-mode', 'modelled'], {}, /--llm-latency-mode modelled: needs --llm-seconds-per-call X/],
    [[...llambo, '--llm-seconds-per-call', '0.8'], {}, /--llm-seconds-per-call: only used with --llm-latency-mode modelled/],
    [[...llambo, '--llm-latency-mode', 'modelled', '--decision-time', 'measured', '--llm-seconds-per-call', '1'], {}, /contradicts --decision-time measured/],
    [['study', '--searcher', 'llambo', '--llm-base-url', LOCAL], {}, /--model: required for the endpoint http:\/\/127\.0\.0\.1:9\/v1 \(or set LLAMBO_MODEL\)/],
    [['study', '--searcher', 'llambo'], {}, /needs OPENAI_API_KEY in the environment/],
    [[...llambo, '--llm-cache-mode', 'record'], {}, /--llm-cache-mode record: needs --llm-cache PATH \(or --out DIR/],
    [[...llambo, '--max-llm-usd=-1'], {}, /--max-llm-usd: must be a number in \[0, 1000000\] \(got -1\)/],
    [[...llambo, '--n-init=-1'], {}, /--n-init: must be an integer in \[0, 256\] \(got -1\)/],
    [[...llambo, '--context', 'most'], {}, /--context: must be one of none, partial, full/],
    [[...llambo, '--prompts', join(tmpdir(), 'no-such-prompts-dir')], {}, /--prompts: .*no-such-prompts-dir is not a folder/],
    [['study', '--searcher', 'llambo', '--llm-base-url', 'not a url', '--model', 'm'], {}, /--llm-base-url \(spec\.llm\.baseUrl\): must be a URL/],
    [['study', '--searcher', 'random', '--model', 'm'], {}, /--model: only used by the LLM searchers \(llambo and the warm-started NAME\+warm \(random\+warm, .*; bohb-llambo = bohb\+warm\)\); this run uses random/],
    [['study', '--llm-latency-mode', 'measured'], {}, /--llm-latency-mode: no LLM endpoint is configured[\s\S]*LLAMBO: set OPENAI_API_KEY/],
    [['study', '--study-id', 'x'], {}, /--study-id names one study/],
    [['compare', '--searchers', 'random,llambo', '--llm-base-url', LOCAL], {}, /--model: required/],
    [['compare', '--searchers', 'random,bohb', '--n-init', '4'], {}, /--n-init: only used by the LLM searchers/],
  ];
  for (const [argv, env, message] of cases) {
    const result = await cli(env, ...argv);
    assert.equal(result.code, 2, `${argv.join(' ')} -> ${result.code} ${result.stderr}`);
    assert.match(result.stderr, message, argv.join(' '));
    assert.equal(result.stdout, '', argv.join(' '));
  }
});

test('endpoint from flags, then LLAMBO_* variables, then OpenAI with OPENAI_API_KEY and gpt-4o-mini', () => {
  const fromEnv = translate([], { LLAMBO_BASE_URL: 'http://127.0.0.1:11434/v1', LLAMBO_MODEL: 'llama3.1' });
  assert.deepEqual([fromEnv.spec.llm?.baseUrl, fromEnv.spec.llm?.model], ['http://127.0.0.1:11434/v1', 'llama3.1']);
  assert.equal(fromEnv.setup?.access.apiKey, undefined);
  assert.equal(fromEnv.setup?.keyFrom, null);

  const openai = translate([], { OPENAI_API_KEY: 'sk-unit-test-key' });
  assert.deepEqual([openai.spec.llm?.baseUrl, openai.spec.llm?.model], ['https://api.openai.com/v1', 'gpt-4o-mini']);
  assert.equal(openai.setup?.access.apiKey, 'sk-unit-test-key');
  assert.equal(openai.setup?.keyFrom, 'OPENAI_API_KEY');
  assert.ok(!JSON.stringify(openai.spec).includes('sk-unit-test-key'), 'the key is never part of the spec');

  const flags = translate(['--llm-base-url', 'http://127.0.0.1:8000/v1', '--model', 'qwen'], { LLAMBO_BASE_URL: 'http://other/v1', LLAMBO_MODEL: 'llama3.1' });
  assert.deepEqual([flags.spec.llm?.baseUrl, flags.spec.llm?.model], ['http://127.0.0.1:8000/v1', 'qwen']);
});

test('limits, budget, latency mode and LLAMBO options land in the spec', () => {
  const { spec } = translate([
    '--llm-base-url', LOCAL, '--model', 'm', '--llm-concurrency', '6', '--llm-rpm', '30', '--llm-tpm', '50000',
    '--llm-timeout-ms', '9000', '--max-llm-requests', '50', '--max-llm-usd', '2.5', '--llm-latency-mode', 'modelled',
    '--llm-seconds-per-call', '0.8', '--context', 'partial', '--n-init', '5', '--prompts', tmpdir(),
  ], {});
  const llm = spec.llm!;
  assert.deepEqual([llm.concurrency, llm.requestsPerMinute, llm.tokensPerMinute, llm.timeoutMs, llm.maxRequests, llm.maxUsd],
    [6, 30, 50000, 9000, 50, 2.5]);
  assert.deepEqual(spec.decisionTime, { mode: 'modelled', secondsPerLlmCall: 0.8 });
  assert.deepEqual(spec.searcherOptions, { contextLevel: 'partial', nInit: 5, promptOverridesDir: tmpdir(), timingConcurrency: 6 });

  assert.equal(translate(['--llm-base-url', LOCAL, '--model', 'm'], {}).spec.llm?.maxUsd, 1, 'a dollar budget by default');
  assert.equal(translate(['--llm-base-url', LOCAL, '--model', 'm', '--max-llm-usd', '0'], {}).spec.llm?.maxUsd, undefined, '0 = no limit');
  assert.equal(translate(['--llm-base-url', LOCAL, '--model', 'm', '--llm-latency-mode', 'measured'], {}).spec.decisionTime.mode, 'measured');
  assert.deepEqual(translate(['--llm-base-url', LOCAL, '--model', 'm', '--llm-latency-mode', 'measured', '--no-prefetch'], {}).spec.decisionTime,
    { mode: 'measured', prefetch: false }, '--no-prefetch turns LLAMBO prefetch off');
});

test('reply cache: live by default; --llm-cache implies replay-or-live; with --out the cache lives in the study folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-llm-cache-'));
  try {
    const base = ['--llm-base-url', LOCAL, '--model', 'm'];
    const live = translate(base, {}, { outDir: dir });
    assert.equal(live.spec.llm?.cacheMode, 'live');
    assert.equal(live.spec.llm?.cachePath, undefined);

    const recorded = translate([...base, '--llm-cache-mode', 'record'], {}, { outDir: dir });
    assert.equal(recorded.spec.llm?.cachePath, 'llm-cache.jsonl', 'relative to the study folder, so it can move');
    assert.equal(recorded.setup?.cachePath, join(dir, 'llm-cache.jsonl'));
    assert.equal(recorded.setup?.access.baseDir, dir);

    const given = translate([...base, '--llm-cache', join(dir, 'replies.jsonl')], {});
    assert.equal(given.spec.llm?.cacheMode, 'replay-or-live');
    assert.equal(given.spec.llm?.cachePath, join(dir, 'replies.jsonl'));

    const strict = translate(['--llm-cache-mode', 'replay-strict', '--llm-cache', join(dir, 'r.jsonl')], {});
    assert.equal(strict.spec.llm?.baseUrl, 'https://api.openai.com/v1', 'replaying a recording needs no key');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('study without --searcher and without an endpoint runs the four baselines and says how to enable LLAMBO', async () => {
  const result = await cli({}, 'study', '--hours', '1', '--seed', '4');
  assert.equal(result.code, 0, result.stderr);
  const rows = result.stdout.split('\n').filter((l) => /^(random|bohb|rea|local) +\d+ +\d+ /.test(l));
  assert.deepEqual(rows.map((l) => l.split(/\s+/)[0]), ['random', 'bohb', 'rea', 'local']);
  const enable = result.stdout.split('\n').filter((l) => l.startsWith('LLAMBO:'));
  assert.equal(enable.length, 1);
  assert.match(enable[0], /OPENAI_API_KEY.*LLAMBO_BASE_URL=http:\/\/127\.0\.0\.1:11434\/v1 LLAMBO_MODEL=/);
  assert.match(result.stdout, /epochs 1-199 of this table are model-generated/);

  const json = await cli({ LLAMBO_BASE_URL: LOCAL }, 'study', '--hours', '1', '--seed', '4', '--json');
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.deepEqual(parsed.studies.map((s: { searcher: string }) => s.searcher), ['random', 'bohb', 'rea', 'local']);
  assert.ok(parsed.studies.every((s: { seed: number; trialsStarted: number }) => s.seed === 4 && s.trialsStarted > 0));
  assert.match(parsed.enableLlambo, /^LLAMBO: set OPENAI_API_KEY/);
  const same = parsed.studies.find((s: { searcher: string }) => s.searcher === 'bohb');
  const alone = JSON.parse((await cli({}, 'study', '--searcher', 'bohb', '--hours', '1', '--seed', '4', '--json')).stdout);
  assert.equal(same.bestErrorAtMax, alone.bestErrorAtMax, 'each row is the same study --searcher would run');

  const half = await cli({ LLAMBO_BASE_URL: LOCAL }, 'study', '--hours', '0.5');
  assert.match(half.stdout, /LLAMBO_BASE_URL is set but LLAMBO_MODEL is not/);
});
