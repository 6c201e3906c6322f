import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { runStudy } from '../../src/core/study/studyRunner';
import { parseStudySpec, type SearcherName } from '../../src/core/study/studySpec';
import { readNasSettings } from '../../src/extension/nasSettings';
import {
  LLM_CACHE_FILE, decisionTimeFromSettings, llmSpecFromSettings, planWarmStartCache, resumeSpec, splitCredentialHeaders, withStudySettings,
} from '../../src/extension/studyLlmSettings';
import { FAKE_SERVER_MODEL, FakeLlmServer } from '../support/fakeLlmServer';
import { noiseReplier, serverResponder } from '../support/llmResponders';

const benchmark = loadTable();

const settingsFrom = (values: Record<string, unknown>) => readNasSettings((key) => values[key]);

test('an LLM searcher gets the endpoint, limits, cache and latency mode from the settings', () => {
  const settings = settingsFrom({
    'llm.baseUrl': 'http://127.0.0.1:11434/v1', 'llm.model': 'qwen2.5', 'llm.concurrency': 2, 'llm.requestsPerMinute': 30,
    'llm.maxUsd': 0.5, 'llm.latencyMode': 'measured', 'llm.prices': { 'qwen2.5': { inputPerMTok: 0, outputPerMTok: 0 } },
  });
  const spec = parseStudySpec(withStudySettings({ searcher: 'llambo', hours: 1 }, settings));
  assert.equal(spec.llm?.baseUrl, 'http://127.0.0.1:11434/v1');
  assert.equal(spec.llm?.model, 'qwen2.5');
  assert.equal(spec.llm?.concurrency, 2);
  assert.equal(spec.llm?.requestsPerMinute, 30);
  assert.equal(spec.llm?.tokensPerMinute, 200_000, 'the setting default');
  assert.equal(spec.llm?.maxUsd, 0.5);
  assert.deepEqual(spec.llm?.prices, { 'qwen2.5': { inputPerMTok: 0, outputPerMTok: 0 } });
  assert.equal(spec.llm?.cacheMode, 'replay-or-live', 'default cache mode');
  assert.equal(spec.llm?.cachePath, LLM_CACHE_FILE);
  assert.deepEqual(spec.decisionTime, { mode: 'measured' });
  assert.ok(!JSON.stringify(spec).toLowerCase().includes('apikey'));
});

test('empty base URL means the OpenAI API; a zero dollar budget means none', () => {
  const spec = parseStudySpec(withStudySettings({ searcher: 'bohb-llambo' }, settingsFrom({ 'llm.maxUsd': 0 })));
  assert.equal(spec.llm?.baseUrl, 'https://api.openai.com/v1');
  assert.equal(spec.llm?.model, 'gpt-4o-mini');
  assert.equal(spec.llm?.maxUsd, undefined);
});

test('the modelled latency mode charges seconds per LLM call', () => {
  const settings = settingsFrom({ 'llm.latencyMode': 'modelled', 'llm.modelledSecondsPerCall': 7.5 });
  assert.deepEqual(decisionTimeFromSettings(settings.llm), { mode: 'modelled', secondsPerLlmCall: 7.5 });
  const spec = parseStudySpec(withStudySettings({ searcher: 'llambo' }, settings));
  assert.equal(spec.decisionTime.secondsPerLlmCall, 7.5);
  assert.equal(settingsFrom({ 'llm.latencyMode': 'modelled' }).llm.modelledSecondsPerCall, 10, 'default when unset');
  assert.equal(settingsFrom({}).prefetch, true, 'prefetch is on by default');
  const off = parseStudySpec(withStudySettings({ searcher: 'llambo' }, settingsFrom({ 'llm.latencyMode': 'modelled', 'study.prefetch': false })));
  assert.deepEqual(off.decisionTime, { mode: 'modelled', secondsPerLlmCall: 10, prefetch: false });
});

test('the prompt folder becomes promptOverridesDir (relative to the workspace); explicit spec fields win', () => {
  const settings = settingsFrom({ promptsFolder: '.nas-prompts', 'llm.baseUrl': 'http://localhost:1234/v1' });
  const spec = withStudySettings({ searcher: 'llambo', searcherOptions: { nInit: 4 } }, settings, '/ws');
  assert.deepEqual(spec.searcherOptions, { nInit: 4, promptOverridesDir: '/ws/.nas-prompts' });
  const explicit = withStudySettings({
    searcher: 'llambo', llm: { baseUrl: 'http://10.0.0.1:8000/v1', model: 'm' }, decisionTime: { mode: 'ignore' },
    searcherOptions: { promptOverridesDir: '/mine' },
  }, settingsFrom({ promptsFolder: '/abs', 'llm.latencyMode': 'measured' }), '/ws');
  assert.equal(explicit.llm?.baseUrl, 'http://10.0.0.1:8000/v1');
  assert.deepEqual(explicit.decisionTime, { mode: 'ignore' });
  assert.equal(explicit.searcherOptions?.promptOverridesDir, '/mine');
});

test('baseline searchers pass through untouched', () => {
  const input = { searcher: 'rea' as const, hours: 2 };
  assert.equal(withStudySettings(input, settingsFrom({ 'llm.baseUrl': 'http://x/v1', promptsFolder: '/p' })), input);
});

test('credential-looking extra headers never reach the spec', () => {
  const { kept, dropped } = splitCredentialHeaders({ 'OpenAI-Organization': 'org-1', Authorization: 'Bearer x', 'api-key': 'k', 'X-Auth-Token': 't' });
  assert.deepEqual(kept, { 'OpenAI-Organization': 'org-1' });
  assert.deepEqual(dropped.sort(), ['Authorization', 'X-Auth-Token', 'api-key']);
  const llm = llmSpecFromSettings(settingsFrom({ 'llm.extraHeaders': { Authorization: 'Bearer x' } }).llm);
  assert.equal(llm.headers, undefined);
});

test('a resume replays the recorded replies and changes nothing else', () => {
  const recorded = parseStudySpec(withStudySettings({ searcher: 'llambo', seed: 7, hours: 2 }, settingsFrom({ 'llm.cacheMode': 'live', 'llm.baseUrl': 'http://h/v1' })));
  const resumed = parseStudySpec(resumeSpec(recorded));
  assert.equal(resumed.llm?.cacheMode, 'replay-or-live');
  assert.equal(resumed.llm?.cachePath, LLM_CACHE_FILE);
  assert.deepEqual({ ...resumed, llm: { ...resumed.llm, cacheMode: 'live' } }, recorded);
  const baseline = parseStudySpec({ searcher: 'random', seed: 3 });
  assert.deepEqual(parseStudySpec(resumeSpec(baseline)), baseline);
});

test('a plan\'s warm-started studies share one reply cache beside their folders, so each seed\'s warm start is sent once', async () => {
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  const root = mkdtempSync(join(tmpdir(), 'warm-plan-'));
  try {
    const settings = settingsFrom({ 'llm.baseUrl': server.baseUrl, 'llm.model': FAKE_SERVER_MODEL });
    assert.deepEqual(planWarmStartCache('llambo', 'plan-1', settings.llm), {}, 'LLAMBO keeps its own cache');
    assert.deepEqual(planWarmStartCache('rea+warm', undefined, settings.llm), {}, 'a single study keeps its own cache');
    assert.equal(planWarmStartCache('bohb-llambo', 'plan-1', settings.llm).llm?.cachePath, '../plan-1-warmstart.jsonl');
    const run = async (searcher: SearcherName, tag: string | undefined, id: string) => {
      const spec = withStudySettings({ searcher, seed: 0, hours: 0.5, studyId: id, ...(tag ? { tag } : {}), ...planWarmStartCache(searcher, tag, settings.llm) }, settings);
      await runStudy(spec, { benchmark, llm: { baseDir: join(root, '.nas-studies', id) } });
    };
    await run('rea+warm', undefined, 'alone');
    const one = server.requests.length;
    assert.ok(one >= 1 && existsSync(join(root, '.nas-studies', 'alone', LLM_CACHE_FILE)));
    for (const searcher of ['rea+warm', 'dehb+warm', 'mobster+warm'] as const) await run(searcher, 'plan-1', `${searcher.replace('+', '-')}-s0`);
    assert.equal(server.requests.length, 2 * one, 'three warm-started studies of one plan and seed: one more warm start');
    assert.ok(existsSync(join(root, '.nas-studies', 'plan-1-warmstart.jsonl')));
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
