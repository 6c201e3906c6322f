import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { runCli } from '../../src/cli/main';
import { llmSpecOfProfile, LlmProfileError, parseLlmProfiles } from '../../src/core/llm/llmProfile';
import { parseCompareEntries } from '../../src/core/study/compareRunner';
import { StudySpecError } from '../../src/core/study/studySpec';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { FakeLlmServer, type FakeLlmHandle } from '../support/fakeLlmServer';
import { benchmarkOracle } from '../support/llamboStudyHarness';
import { noiseReplier } from '../support/llmResponders';
import { meteredResponder, type MeteredResponder } from '../support/meteredResponder';
import { intentFromCanonicalReplier, narrowPriorOracleResponder, realisticResponder } from '../support/realisticResponder';

/**
 * Issue 12 section 1: LLM profiles. Two fake OpenAI-compatible servers (test doubles, never LLMs),
 * each behind its own profile: a realistic oracle double and a realistic noise double, billing
 * tokens at different rates. A comparison runs both on the same seeds; each entry's numbers must be
 * its own server's, and a second run must replay from the per-profile caches without a request.
 */

const KEY = `sk-profile-test-${process.pid}-${Date.now().toString(36)}-do-not-print`;
const ALPHA = { name: 'alpha', model: 'alpha-model', prices: { promptPerMTok: 0.15, completionPerMTok: 0.6 } } as const;
const BETA = { name: 'beta', model: 'beta-model', prices: { promptPerMTok: 3, completionPerMTok: 15 } } as const;

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const out: CommandOutput = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), progressStream: process.stderr };
  const code = await runCli(argv, out, undefined, env);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

interface TwoServers {
  readonly alpha: FakeLlmHandle & { metered: MeteredResponder };
  readonly beta: FakeLlmHandle & { metered: MeteredResponder };
  readonly dir: string;
  readonly profilesFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** The user cache folder of the test's CLI runs ($LLAMBO_NAS_CACHE). */
  readonly cacheDir: string;
  close(): Promise<void>;
}

async function twoServers(): Promise<TwoServers> {
  const benchmark = loadTable();
  const alphaMetered = meteredResponder(narrowPriorOracleResponder(benchmarkOracle(benchmark)).replier, 4);
  const betaMetered = meteredResponder(realisticResponder(intentFromCanonicalReplier(noiseReplier)).replier, 3);
  const alpha = Object.assign(await new FakeLlmServer(alphaMetered.responder, { models: [ALPHA.model] }).start(), { metered: alphaMetered });
  const beta = Object.assign(await new FakeLlmServer(betaMetered.responder, { models: [BETA.model] }).start(), { metered: betaMetered });
  const dir = mkdtempSync(join(tmpdir(), 'llm-profiles-'));
  const profilesFile = join(dir, 'profiles.json');
  writeFileSync(profilesFile, JSON.stringify([
    { ...ALPHA, baseUrl: alpha.baseUrl, apiKeyEnv: 'ALPHA_TEST_KEY', headers: { 'x-profile': 'alpha' }, limits: { concurrency: 2 }, contextWindow: 16384 },
    { ...BETA, baseUrl: beta.baseUrl, headers: { 'x-profile': 'beta' } },
  ]));
  // The user cache folder (LLAMBO_NAS_CACHE) is the test's own; no developer LLM settings leak in.
  const cacheDir = join(dir, 'cache');
  const env = { LLAMBO_NAS_CACHE: cacheDir, ALPHA_TEST_KEY: KEY };
  return {
    alpha, beta, dir, profilesFile, env, cacheDir,
    close: async () => {
      await alpha.close();
      await beta.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

test('compare llambo:alpha,llambo:beta: per-entry LLM numbers are each server\'s own, and a second run replays them from per-profile caches', async () => {
  const s = await twoServers();
  try {
    const args = ['compare', '--searchers', 'llambo:alpha,llambo:beta,random', '--seeds', '2', '--hours', '1', '--llm-profiles', s.profilesFile, '--json',
      // No dollar budget: at beta's prices the default $1 per study runs out, and requests refused by the budget never reach the server.
      '--max-llm-usd', '0'];
    const live = await cli(s.env, ...args, '--llm-cache-mode', 'record');
    assert.equal(live.code, 0, live.stderr);
    const first = JSON.parse(live.stdout);
    assert.deepEqual(first.rows.map((r: { label: string }) => r.label), ['llambo:alpha', 'llambo:beta', 'random']);
    assert.deepEqual(first.rows.map((r: { profile?: string }) => r.profile), ['alpha', 'beta', undefined]);
    for (const label of ['llambo:alpha', 'llambo:beta', 'random']) {
      assert.deepEqual(first.runs.filter((r: { label: string }) => r.label === label).map((r: { seed: number }) => r.seed), [0, 1], `${label}: same seeds`);
    }
    const [alphaRow, betaRow, randomRow] = first.rows;
    assert.equal(randomRow.llm, undefined, 'a baseline has no LLM numbers');
    for (const [row, server, profile] of [[alphaRow, s.alpha, ALPHA], [betaRow, s.beta, BETA]] as const) {
      const t = row.llm;
      assert.equal(t.studies, 2);
      assert.ok(server.requests.length > 0, `${row.label} reached its server`);
      assert.equal(t.httpRequests, server.requests.length, `${row.label}: HTTP requests = its server's log`);
      assert.equal(t.requests, server.requests.length, `${row.label}: every request went out (record mode)`);
      assert.equal(t.cacheHits, 0);
      const prompt = sum(server.metered.billed.map((b) => b.promptTokens));
      const completion = sum(server.metered.billed.map((b) => b.completionTokens));
      assert.equal(t.promptTokens, prompt, `${row.label}: prompt tokens = what its server billed`);
      assert.equal(t.completionTokens, completion, `${row.label}: completion tokens = what its server billed`);
      const dollars = (prompt * profile.prices.promptPerMTok + completion * profile.prices.completionPerMTok) / 1e6;
      assert.ok(Math.abs(t.costUsd - dollars) < 1e-12, `${row.label}: $${t.costUsd} = its tokens at its profile's prices ($${dollars})`);
      assert.ok(Math.abs(t.usdPerStudy - dollars / 2) < 1e-12);
      assert.ok(server.requests.every((r) => r.body.model === profile.model && r.headers['x-profile'] === profile.name), `${row.label}: its model and headers`);
      assert.equal(t.newConfigs, sum(first.runs.filter((r: { label: string }) => r.label === row.label).map((r: { trialsStarted: number }) => r.trialsStarted)));
      assert.equal(t.fallbackShare, t.fallbacks / t.newConfigs);
      assert.equal(t.proposalYieldShare, t.proposalYield.accepted / t.proposalYield.proposed);
      assert.equal(typeof t.llmSeconds, 'number');
      assert.equal(typeof t.parseFailures, 'number');
    }
    assert.notEqual(alphaRow.llm.promptTokens, betaRow.llm.promptTokens, 'the two servers bill differently');
    assert.notEqual(alphaRow.llm.costUsd, betaRow.llm.costUsd);
    assert.ok(s.alpha.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`), 'alpha gets the key from its apiKeyEnv');
    assert.ok(s.beta.requests.every((r) => !String(r.headers.authorization).includes(KEY)), 'beta names no key: alpha\'s never reaches it');
    assert.ok(s.alpha.stats.maxInFlight <= 2, 'alpha\'s concurrency limit holds');

    // Each profile has its own cache, holding only its own model's replies.
    for (const profile of [ALPHA, BETA]) {
      const file = join(s.cacheDir, 'llm-replies', `${profile.name}.jsonl`);
      assert.ok(existsSync(file), `${file} exists`);
      const entries = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      assert.ok(entries.length > 0 && entries.every((e) => e.request.model === profile.model), `${profile.name}'s cache holds only ${profile.model}`);
    }

    // The same comparison again, default cache mode (replay-or-live): no chat request, no dollars, the same studies.
    const sent = [s.alpha.requests.length, s.beta.requests.length];
    const again = await cli(s.env, ...args);
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout);
    assert.deepEqual([s.alpha.requests.length, s.beta.requests.length], sent, 'the second run makes no chat request');
    for (const [index, row] of second.rows.slice(0, 2).entries()) {
      assert.equal(row.llm.httpRequests, 0);
      assert.equal(row.llm.cacheHits, row.llm.requests);
      assert.equal(row.llm.requests, first.rows[index].llm.requests);
      assert.equal(row.llm.promptTokens, first.rows[index].llm.promptTokens);
      assert.equal(row.llm.costUsd, 0, 'a replayed comparison costs nothing');
    }
    const outcome = (r: { label: string; seed: number; trialsStarted: number; incumbentArch: string }) => `${r.label}/${r.seed}:${r.trialsStarted}:${r.incumbentArch}`;
    assert.deepEqual(second.runs.map(outcome), first.runs.map(outcome));

    // replay-strict sends nothing at all, not even the endpoint check; the text shows the per-entry LLM table.
    const listed = [s.alpha.modelListRequests.count, s.beta.modelListRequests.count];
    const text = await cli(s.env, ...args.filter((a) => a !== '--json'), '--llm-cache-mode', 'replay-strict');
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual([s.alpha.requests.length, s.beta.requests.length], sent);
    assert.deepEqual([s.alpha.modelListRequests.count, s.beta.modelListRequests.count], listed, 'no endpoint check either');
    // The text's LLM table is the summary's per-study IQMs; its sums line says every request came from the cache.
    assert.match(text.stdout, /^LLM and its delay per study/m);
    const alphaLine = text.stdout.split('\n').find((line) => line.startsWith('llambo:alpha ') && /%/.test(line));
    assert.ok(alphaLine, text.stdout);
    const alpha = first.summary.entries.find((e: { label: string }) => e.label === 'llambo:alpha');
    const iqm = (key: string) => (alpha.metrics[key].iqm as number).toFixed(1);
    assert.deepEqual(alphaLine.trim().split(/\s+/).slice(1, 4), [iqm('llmRequests'), iqm('promptTokens'), iqm('completionTokens')]);
    assert.equal(Number(iqm('llmRequests')), first.rows[0].llm.requests / 2, 'two seeds of equal length: the IQM is the mean per study');
    const requests = first.rows[0].llm.requests;
    assert.match(text.stdout, new RegExp(`^  llambo:alpha +over 2 seeds: ${requests} requests, 0 over HTTP, ${requests} from the cache$`, 'm'));
    assert.match(text.stdout, /^Profile alpha: alpha-model at http:\/\/127\.0\.0\.1:\d+\/v1/m);
    for (const output of [live, again, text]) assert.ok(!`${output.stdout}${output.stderr}`.includes(KEY), 'the key is never printed');
    for (const profile of [ALPHA, BETA]) {
      assert.ok(!readFileSync(join(s.cacheDir, 'llm-replies', `${profile.name}.jsonl`), 'utf8').includes(KEY), 'nor cached');
    }
  } finally {
    await s.close();
  }
});

test('study --llm-profile NAME runs LLAMBO on that profile; unknown names list the known ones', async () => {
  const s = await twoServers();
  try {
    const run = await cli(s.env, 'study', '--llm-profiles', s.profilesFile, '--llm-profile', 'beta', '--hours', '0.5', '--json');
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.searcher, 'llambo');
    assert.equal(summary.llm.httpRequests, s.beta.requests.length);
    assert.equal(summary.llm.promptTokens, sum(s.beta.metered.billed.map((b) => b.promptTokens)));
    assert.equal(s.alpha.requests.length, 0);
    assert.equal(summary.llmEndpoint.cachePath, join(s.cacheDir, 'llm-replies', 'beta.jsonl'));

    const unknown = await cli(s.env, 'study', '--llm-profiles', s.profilesFile, '--llm-profile', 'gamma');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--llm-profile: LLM profile "gamma" is not defined \(known: alpha, beta\)/);
    const entry = await cli(s.env, 'compare', '--llm-profiles', s.profilesFile, '--searchers', 'random,llambo:gamma');
    assert.equal(entry.code, 2);
    assert.match(entry.stderr, /LLM profile "gamma" in "llambo:gamma" is not defined \(known profiles: alpha, beta\)/);
    const endpoint = await cli(s.env, 'compare', '--llm-profiles', s.profilesFile, '--searchers', 'llambo:alpha,random', '--model', 'x');
    assert.equal(endpoint.code, 2);
    assert.match(endpoint.stderr, /--model: with every LLM entry naming a profile the endpoint and the reply cache come from the profile/);
    const missingKey = await cli({ LLAMBO_NAS_CACHE: s.cacheDir }, 'compare', '--llm-profiles', s.profilesFile, '--searchers', 'llambo:alpha');
    assert.equal(missingKey.code, 2);
    assert.match(missingKey.stderr, /profile "alpha" takes its key from ALPHA_TEST_KEY, which is not set/);
  } finally {
    await s.close();
  }
});

test('a profiles file with mistakes: every problem named by its field path, with the fix; a key in the file is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llm-profiles-bad-'));
  try {
    const file = join(dir, 'profiles.json');
    writeFileSync(file, JSON.stringify([
      { name: 'ok', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1' },
      { name: 'bad name', baseUrl: 'not a url', model: '', apiKey: 'sk-secret-in-file', limits: { concurrency: 0 }, colour: 'red' },
      { name: 'ok', baseUrl: 'http://127.0.0.1:1234/v1', model: 'qwen', prices: { promptPerMTok: -1, completionPerMTok: 1 }, apiKeyEnv: 'sk-abc' },
    ]));
    const result = await cli({}, 'compare', '--llm-profiles', file, '--searchers', 'random');
    assert.equal(result.code, 2);
    const lines = result.stderr;
    assert.match(lines, /profiles\[1\]\.name: must use only letters, digits/);
    assert.match(lines, /profiles\[1\]\.baseUrl: must be a URL such as http:\/\/127\.0\.0\.1:11434\/v1 \(got "not a url"\)/);
    assert.match(lines, /profiles\[1\]\.model: must not be empty/);
    assert.match(lines, /profiles\[1\]\.apiKey: a profile never holds the key; name its environment variable in "apiKeyEnv"/);
    assert.ok(!lines.includes('sk-secret-in-file'), 'the refused key is not echoed');
    assert.match(lines, /profiles\[1\]\.limits\.concurrency: must be an integer >= 1 \(got 0\)/);
    assert.match(lines, /profiles\[1\]\.colour: unknown field \(known: name, baseUrl/);
    assert.match(lines, /profiles\[2\]\.prices\.promptPerMTok: must be a number >= 0/);
    assert.match(lines, /profiles\[2\]\.apiKeyEnv: must name an environment variable/);
    writeFileSync(file, '{"name": "x"}');
    assert.match((await cli({}, 'compare', '--llm-profiles', file)).stderr, /profiles: must be a JSON array of profiles/);
    writeFileSync(file, '[{');
    assert.match((await cli({}, 'compare', '--llm-profiles', file)).stderr, /--llm-profiles: .*profiles\.json is not JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('profiles: duplicate names are refused; a profile maps onto the spec\'s llm section (prices under its model)', () => {
  const base = { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1' };
  assert.throws(() => parseLlmProfiles([{ name: 'a', ...base }, { name: 'a', ...base }], 'llamboNas.llm.profiles'),
    (error: unknown) => error instanceof LlmProfileError && /llamboNas\.llm\.profiles: the name "a" is used twice/.test(error.message));
  const [profile] = parseLlmProfiles([{
    name: 'a', ...base, headers: { 'x-team': 'nas' }, prices: { promptPerMTok: 1, completionPerMTok: 2, cachedPromptPerMTok: 0.5 },
    limits: { requestsPerMinute: 60, concurrency: 3, tokensPerMinute: 1000 }, contextWindow: 32768, apiKeyEnv: 'MY_KEY',
  }], 'profiles');
  assert.deepEqual(llmSpecOfProfile(profile), {
    ...base, profile: 'a', headers: { 'x-team': 'nas' }, prices: { 'llama3.1': { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 } },
    concurrency: 3, requestsPerMinute: 60, tokensPerMinute: 1000, contextWindow: 32768,
  });
});

test('compare entries searcher[:profile][@scheduler]: labels, and errors for unknown profiles and profiles on baselines', () => {
  const entries = parseCompareEntries('random,llambo:a,llambo:b@asha,bohb-llambo:a,llambo', 'sync-hyperband', ['a', 'b']);
  assert.deepEqual(entries.map((e) => [e.label, e.searcher, e.scheduler, e.profile]), [
    ['random', 'random', 'sync-hyperband', undefined],
    ['llambo:a', 'llambo', 'sync-hyperband', 'a'],
    ['llambo:b@asha', 'llambo', 'asha', 'b'],
    ['bohb-llambo:a', 'bohb-llambo', 'sync-hyperband', 'a'],
    ['llambo', 'llambo', 'sync-hyperband', undefined],
  ]);
  const fails = (list: string, pattern: RegExp, profiles = ['a', 'b']) =>
    assert.throws(() => parseCompareEntries(list, 'sync-hyperband', profiles), (e: unknown) => e instanceof StudySpecError && pattern.test(e.message));
  fails('llambo:c', /LLM profile "c" in "llambo:c" is not defined \(known profiles: a, b\)/);
  fails('llambo:c', /no profiles are defined: give --llm-profiles FILE/, []);
  fails('rea:a', /"rea:a" names an LLM profile, but rea uses no LLM/);
  fails('llambo:a:b', /is not one of .*optionally :profile, then @scheduler/);
  fails('llambo:a,llambo:a', /duplicate entries/);
});
