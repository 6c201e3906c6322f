import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStudySpec } from '../../src/core/study/studySpec';
import { setUpLlmEndpoint, type SettingsScope } from '../../src/extension/llmEndpointSetup';
import { readNasSettings } from '../../src/extension/nasSettings';
import { askStudyPlan, defaultPlan, describePlan, restorePlan, SET_UP_ENDPOINT } from '../../src/extension/startStudyFlow';
import { withStudySettings } from '../../src/extension/studyLlmSettings';
import { ScriptedPicks } from '../support/scriptedPicks';
import type { PickItem } from '../../src/extension/prompter';

const settings = readNasSettings(() => undefined);

test('first run: LLAMBO beside random search with an endpoint, random search without one', () => {
  assert.deepEqual(defaultPlan(settings, true).searchers, ['llambo', 'random']);
  assert.deepEqual(defaultPlan(settings, false).searchers, ['random']);
  assert.deepEqual(restorePlan(undefined, defaultPlan(settings, true)).searchers, ['llambo', 'random']);
});

test('Start shows how LLM time counts; without an endpoint the setup is offered first', async () => {
  const script = new ScriptedPicks({ 'Start NAS study': (items) => items[0].value });
  const answer = await askStudyPlan(script, defaultPlan(settings, false), 1, { settingsLatency: 'ignore', offerEndpointSetup: true });
  assert.equal(answer, SET_UP_ENDPOINT);
  assert.match(script.asked[0].items[0].label, /Set up an LLM endpoint/);
  assert.match(describePlan(defaultPlan(settings, true), 'ignore'), /llambo, random · .* · LLM time ignore · context full$/);
  assert.doesNotMatch(describePlan(defaultPlan(settings, false)), /LLM time/);
});

test('Customize asks the latency mode and context level for LLM searchers, and specs carry them', async () => {
  const script = new ScriptedPicks({
    'Start NAS study': () => 'customize',
    'Searchers (each runs on the same budget and seeds)': () => ['llambo', 'random'],
    Scheduler: () => 'sync-hyperband',
    'Simulated budget (hours)': () => '2',
    'Simulated workers': () => '4',
    'Seeds per searcher (seed 0, 1, ...)': () => '1',
    'How LLM time counts on the simulated clock': (items) => {
      assert.match(String(items.find((i) => i.value === 'ignore')?.detail), /flatters LLAMBO/);
      return 'measured';
    },
    "Context in LLAMBO's prompts": () => 'partial',
  });
  const plan = await askStudyPlan(script, defaultPlan(settings, true), 1, { settingsLatency: 'ignore' });
  assert.ok(plan && plan !== SET_UP_ENDPOINT);
  assert.deepEqual([plan.latencyMode, plan.contextLevel], ['measured', 'partial']);
  assert.deepEqual(restorePlan(JSON.parse(JSON.stringify(plan)), defaultPlan(settings)), plan, 'remembered as the next default');
  // What planSpecs adds for an LLM searcher (decisionTime, contextLevel) survives the settings and the spec parser.
  const spec = parseStudySpec(withStudySettings({ searcher: 'llambo', hours: 2, decisionTime: { mode: 'measured' }, searcherOptions: { contextLevel: 'partial' } }, settings));
  assert.deepEqual([spec.decisionTime.mode, spec.searcherOptions?.contextLevel], ['measured', 'partial']);

  const baselines = new ScriptedPicks({
    'Start NAS study': () => 'customize',
    'Searchers (each runs on the same budget and seeds)': () => ['random'],
    Scheduler: () => 'sync-hyperband',
    'Simulated budget (hours)': () => '1', 'Simulated workers': () => '2', 'Seeds per searcher (seed 0, 1, ...)': () => '1',
  });
  const plain = await askStudyPlan(baselines, defaultPlan(settings), 1);
  assert.ok(plain && plain !== SET_UP_ENDPOINT && plain.latencyMode === undefined, 'no LLM questions without an LLM searcher');
});

test('Customize offers each baseline warm-started by LLAMBO (NAME+warm), an LLM searcher; a stored bohb-llambo pick comes back as bohb+warm', async () => {
  let offered: readonly PickItem<unknown>[] = [];
  const script = new ScriptedPicks({
    'Start NAS study': () => 'customize',
    'Searchers (each runs on the same budget and seeds)': (items) => { offered = items; return ['rea+warm', 'dehb+warm', 'rea']; },
    Scheduler: () => 'asha',
    'Simulated budget (hours)': () => '1', 'Simulated workers': () => '4', 'Seeds per searcher (seed 0, 1, ...)': () => '3',
    'How LLM time counts on the simulated clock': () => 'ignore',
    "Context in LLAMBO's prompts": () => 'full',
  });
  const plan = await askStudyPlan(script, defaultPlan(settings), 2);
  assert.ok(plan && plan !== SET_UP_ENDPOINT);
  const warm = offered.filter((i) => String(i.value).endsWith('+warm'));
  assert.deepEqual(warm.map((i) => i.value), ['random+warm', 'bohb+warm', 'rea+warm', 'local+warm', 'mobster+warm', 'dehb+warm']);
  assert.equal(warm.find((i) => i.value === 'rea+warm')?.label, 'Regularized evolution + LLAMBO warm start');
  assert.ok(!offered.some((i) => i.value === 'bohb-llambo'), 'the old name is not offered twice');
  assert.deepEqual(plan.searchers, ['rea+warm', 'dehb+warm', 'rea']);
  assert.equal(plan.latencyMode, 'ignore', 'a warm-started searcher is an LLM searcher: the LLM questions were asked');
  assert.deepEqual(restorePlan({ searchers: ['bohb-llambo', 'random'] }, defaultPlan(settings)).searchers, ['bohb+warm', 'random']);
});

test('Custom URL asks where to save the endpoint and saves it there', async () => {
  for (const scope of ['user', 'workspace'] as const) {
    const saved: [string, SettingsScope | undefined][] = [];
    const script = new ScriptedPicks({
      'LLAMBO needs an LLM endpoint': (items) => items.find((i) => (i.value as { kind: string }).kind === 'custom')!.value,
      'OpenAI-compatible base URL': () => ' http://127.0.0.1:8080/v1 ',
      'Save the endpoint where?': (items) => {
        assert.deepEqual(items.map((i) => i.value), ['user', 'workspace']);
        return scope;
      },
    });
    const result = await setUpLlmEndpoint(script, { askAndStoreApiKey: async () => false, setBaseUrl: async (url, where) => { saved.push([url, where]); } });
    assert.equal(result, 'configured');
    assert.deepEqual(saved, [['http://127.0.0.1:8080/v1', scope]]);
  }
  const dismissed = new ScriptedPicks({
    'LLAMBO needs an LLM endpoint': (items) => items.find((i) => (i.value as { kind: string }).kind === 'custom')!.value,
    'OpenAI-compatible base URL': () => 'http://127.0.0.1:8080/v1',
    'Save the endpoint where?': () => undefined,
  });
  let wrote = false;
  assert.equal(await setUpLlmEndpoint(dismissed, { askAndStoreApiKey: async () => false, setBaseUrl: async () => { wrote = true; } }), undefined);
  assert.equal(wrote, false, 'nothing written when the question is dismissed');
});
