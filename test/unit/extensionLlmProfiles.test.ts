import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { parseStudySpec } from '../../src/core/study/studySpec';
import { ApiKeyStore, API_KEY_SECRET, profileKeySecret } from '../../src/extension/apiKeyStore';
import { comparisonMarkdown } from '../../src/core/study/comparisonReport';
import { summarizeComparison } from '../../src/core/study/comparisonSummary';
import { readNasSettings } from '../../src/extension/nasSettings';
import { entryLabel, planEntries } from '../../src/extension/planEntries';
import { askStudyPlan, describePlan, PROFILE_PICK_TITLE, restorePlan, SET_UP_ENDPOINT, type StudyPlan } from '../../src/extension/startStudyFlow';
import { profileLlmSpec, withStudySettings } from '../../src/extension/studyLlmSettings';
import { ScriptedPicks } from '../support/scriptedPicks';

/** The extension's side of LLM profiles (issue 12 section 1), without VS Code: the setting, the pick, the specs, the keys. */

const PROFILES = [
  { name: 'gpt4omini', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', prices: { promptPerMTok: 0.15, completionPerMTok: 0.6 }, limits: { requestsPerMinute: 500, concurrency: 8 } },
  { name: 'llama31', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1', headers: { 'x-lab': 'nas' }, contextWindow: 32768 },
];
const settingValues: Record<string, unknown> = { 'llm.profiles': PROFILES, 'llm.extraHeaders': { 'x-default-only': 'yes' }, 'llm.maxUsd': 2 };
const settings = readNasSettings((key) => settingValues[key]);

test('llamboNas.llm.profiles: read and validated; a bad setting says which field, and offers no profile', () => {
  assert.deepEqual(settings.llmProfiles.map((p) => p.name), ['gpt4omini', 'llama31']);
  assert.equal(settings.llmProfilesProblem, undefined);
  const bad = readNasSettings((key) => (key === 'llm.profiles' ? [{ name: 'x', baseUrl: 'http://h/v1', model: 'm', apiKey: 'sk-nope' }] : undefined));
  assert.deepEqual(bad.llmProfiles, []);
  assert.match(bad.llmProfilesProblem ?? '', /^llamboNas\.llm\.profiles\[0\]\.apiKey: a profile never holds the key/);
  assert.ok(!(bad.llmProfilesProblem ?? '').includes('sk-nope'));
  assert.deepEqual(readNasSettings(() => undefined).llmProfiles, []);
});

test('Customize: LLM searchers ask which profiles; the plan runs each LLM searcher once per profile with that profile\'s endpoint and cache', async () => {
  const script = new ScriptedPicks({
    'Start NAS study': () => 'customize',
    'Searchers (each runs on the same budget and seeds)': () => ['llambo', 'random'],
    Scheduler: () => 'sync-hyperband',
    'Simulated budget (hours)': () => '1', 'Simulated workers': () => '4', 'Seeds per searcher (seed 0, 1, ...)': () => '2',
    [PROFILE_PICK_TITLE]: (items) => {
      assert.deepEqual(items.map((i) => [i.label, i.description]), [['gpt4omini', 'gpt-4o-mini'], ['llama31', 'llama3.1']]);
      return ['gpt4omini', 'llama31'];
    },
    'How LLM time counts on the simulated clock': () => 'measured',
    "Context in LLAMBO's prompts": () => 'full',
  });
  const profiles = settings.llmProfiles.map((p) => ({ name: p.name, model: p.model, baseUrl: p.baseUrl }));
  const last: StudyPlan = { searchers: ['random'], scheduler: 'sync-hyperband', hours: 1, workers: 4, seeds: 1 };
  const plan = await askStudyPlan(script, last, 2, { profiles });
  assert.ok(plan && plan !== SET_UP_ENDPOINT);
  assert.deepEqual(plan.profiles, ['gpt4omini', 'llama31']);
  assert.match(describePlan(plan), /llambo, random · .* · on gpt4omini, llama31 · LLM time measured/);
  assert.deepEqual(restorePlan(JSON.parse(JSON.stringify(plan)), last, ['gpt4omini', 'llama31']), plan, 'remembered as the next default');
  assert.equal(restorePlan(JSON.parse(JSON.stringify(plan)), last, ['gpt4omini']).profiles?.join(), 'gpt4omini', 'a removed profile drops out');

  const entries = planEntries(plan, settings);
  assert.deepEqual(entries.map((e) => [e.searcher, e.profile?.name]), [['llambo', 'gpt4omini'], ['llambo', 'llama31'], ['random', undefined]]);
  const llama = settings.llmProfiles[1];
  const spec = parseStudySpec(withStudySettings({ searcher: 'llambo', hours: 1, llm: profileLlmSpec(llama, settings.llm) }, settings));
  assert.deepEqual(
    [spec.llm?.baseUrl, spec.llm?.model, spec.llm?.profile, spec.llm?.headers, spec.llm?.contextWindow, spec.llm?.maxUsd, spec.llm?.cachePath],
    ['http://127.0.0.1:11434/v1', 'llama3.1', 'llama31', { 'x-lab': 'nas' }, 32768, 2, '../llm-replies/llama31.jsonl'],
    'the profile\'s endpoint, headers and window (not the default endpoint\'s headers); the run\'s budget; the profile\'s own cache',
  );
  const mini = parseStudySpec({ searcher: 'llambo', llm: profileLlmSpec(settings.llmProfiles[0], settings.llm) });
  assert.deepEqual([mini.llm?.prices, mini.llm?.requestsPerMinute, mini.llm?.concurrency], [{ 'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 } }, 500, 8]);
  assert.equal(entryLabel(spec), 'llambo:llama31');
  assert.equal(entryLabel({ searcher: 'random' }), 'random');
  assert.throws(() => planEntries({ ...plan, profiles: ['gone'] }, settings), /LLM profile "gone" is not defined \(known: gpt4omini, llama31\)/);

  const plain = new ScriptedPicks({
    'Start NAS study': () => 'customize',
    'Searchers (each runs on the same budget and seeds)': () => ['llambo'],
    Scheduler: () => 'sync-hyperband',
    'Simulated budget (hours)': () => '1', 'Simulated workers': () => '4', 'Seeds per searcher (seed 0, 1, ...)': () => '1',
    'How LLM time counts on the simulated clock': () => 'ignore',
    "Context in LLAMBO's prompts": () => 'full',
  });
  const noProfiles = await askStudyPlan(plain, last, 1, {});
  assert.ok(noProfiles && noProfiles !== SET_UP_ENDPOINT && noProfiles.profiles === undefined, 'no profile question without profiles');
});

test('the comparison has one entry per profile: two profiles of one searcher are two ranked rows', () => {
  const run = (label: string, finalError: number) => ({
    label, seed: 0, simulatedSeconds: 3600, incumbentAtMax: { time: [100], error: [finalError] },
    headline: {
      trialId: 1, arch: 'a', finalError, regret: finalError - 0.05, observedErrorAtMax: finalError, observedEpoch: 200, reachedMaxEpoch: true,
      bestAnyEpoch: { trialId: 1, arch: 'a', epoch: 200, error: finalError },
    },
  });
  const summary = summarizeComparison([run('llambo:gpt4omini', 0.08), run('llambo:llama31', 0.07)], {
    optimumError: 0.05, labels: ['llambo:gpt4omini', 'llambo:llama31'],
  });
  assert.deepEqual(summary.entries.map((e) => [e.label, e.rank]), [['llambo:gpt4omini', 2], ['llambo:llama31', 1]]);
  const markdown = comparisonMarkdown(summary, { title: 'Searcher comparison', setup: 'one seed' });
  assert.match(markdown, /llambo:llama31/);
  assert.match(markdown, /llambo:gpt4omini/);
});

test('ApiKeyStore keeps one key per profile beside the default endpoint\'s', async () => {
  const stored = new Map<string, string>();
  const secrets = {
    get: async (key: string) => stored.get(key),
    store: async (key: string, value: string) => { stored.set(key, value); },
    delete: async (key: string) => { stored.delete(key); },
    onDidChange: () => ({ dispose() {} }),
  } as unknown as vscode.SecretStorage;
  const store = new ApiKeyStore(secrets, async () => undefined);
  await store.set('sk-default');
  await store.setForProfile('gpt4omini', ' sk-mini ');
  assert.equal(await store.keyForProfile('gpt4omini'), 'sk-mini');
  assert.equal(await store.keyForProfile('llama31'), undefined, 'a profile without a key gets none (not the default one)');
  assert.equal(await store.keyForProfile(undefined), 'sk-default');
  assert.deepEqual([...stored.keys()].sort(), [API_KEY_SECRET, profileKeySecret('gpt4omini')].sort());
  await store.clearForProfile('gpt4omini');
  assert.equal(await store.getForProfile('gpt4omini'), undefined);
  await assert.rejects(store.setForProfile('x', '  '), /empty API key/);
});
