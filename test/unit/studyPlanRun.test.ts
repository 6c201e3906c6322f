/**
 * A running multi-study plan: "study k of N" for its studies, Stop study finding the plan of a study,
 * and the texts of the status bar, the progress notification and the studies view that show it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiKeyClearedMessage, apiKeyStoredMessage } from '../../src/extension/apiKeyStore';
import { progressLine, statusBarText, statusBarTooltip, studyTreeLabel, describeHeadline } from '../../src/extension/studyHeadlineText';
import { planPositionText, StudyPlanRun, StudyPlanRuns } from '../../src/extension/studyPlanRun';
import type { StudyHeadline } from '../../src/protocol';

const headline = (over: Partial<StudyHeadline> = {}): StudyHeadline => ({
  studyId: 'random-sync-hyperband-s1-20261202-013000', status: 'running', searcher: 'random', scheduler: 'sync-hyperband', seed: 1,
  simulatedSeconds: 1800, budgetSeconds: 7200, trialsStarted: 40, resultsReported: 90, incumbent: null, result: null, llmUsd: 0, table: 'nb201', ...over,
});

test('a plan numbers its studies as they start and knows how many are still to come', () => {
  const plan = new StudyPlanRun(3);
  assert.deepEqual(plan.begin('a'), { k: 1, total: 3 });
  assert.deepEqual(plan.begin('b'), { k: 2, total: 3 });
  assert.equal(plan.remaining, 1);
  assert.equal(plan.mayStartNext, true);
  assert.deepEqual(plan.positionOf('a'), { k: 1, total: 3 });
  assert.equal(plan.positionOf('c'), undefined);
  plan.stopRemaining();
  assert.equal(plan.mayStartNext, false, 'no study starts after stop');
  assert.equal(plan.remaining, 1, 'the rest is counted, not run');
  plan.begin('c');
  assert.throws(() => plan.begin('d'), /plan of 3 studies cannot start study d as number 4/);
  assert.throws(() => new StudyPlanRun(0), /at least one study/);
});

test('the running plans find a study\'s plan; a one-study plan gives no position', () => {
  const plans = new StudyPlanRuns();
  const pair = new StudyPlanRun(2);
  const single = new StudyPlanRun(1);
  plans.add(pair);
  plans.add(single);
  pair.begin('p1');
  single.begin('s1');
  assert.equal(plans.planOf('p1'), pair);
  assert.equal(plans.planOf('s1'), single);
  assert.deepEqual(plans.positionOf('p1'), { k: 1, total: 2 });
  assert.equal(plans.positionOf('s1'), undefined, 'a study on its own has no "study 1 of 1"');
  plans.delete(pair);
  assert.equal(plans.planOf('p1'), undefined, 'a finished plan lets go of its studies');
  assert.equal(planPositionText({ k: 2, total: 6 }), 'study 2 of 6');
  assert.equal(planPositionText({ k: 1, total: 1 }), '');
});

test('status bar and progress say "study k of N" for a plan of several, nothing for one study', () => {
  const h = headline();
  assert.match(statusBarText(h, { k: 2, total: 4 }), /^\$\(sync~spin\) NAS study 2 of 4 · 0\.50\/2\.0 h · 40 trials · no result yet · \$0\.00$/);
  assert.equal(statusBarText(h), '$(sync~spin) NAS 0.50/2.0 h · 40 trials · no result yet · $0.00');
  assert.match(statusBarTooltip(h, { k: 2, total: 4 }), /^random-sync-hyperband-s1-20261202-013000 \(running, study 2 of 4 of its plan\)/);
  const second = progressLine(h, { k: 2, total: 4 });
  assert.equal(second.message, 'study 2 of 4 · random-sync-hyperband-s1-20261202-013000: 40 trials, no result yet');
  assert.equal(second.percent, (100 + 25) / 4, 'one finished study in full plus a quarter of the second');
  assert.equal(progressLine(h).percent, 25);
  assert.equal(progressLine(h).message, 'random-sync-hyperband-s1-20261202-013000: 40 trials, no result yet');
  assert.equal(progressLine({ ...h, llmWait: 'LLM: retrying in 4 s' }).message, 'random-sync-hyperband-s1-20261202-013000: LLM: retrying in 4 s');
  assert.equal(progressLine({ ...h, simulatedSeconds: 9000 }, { k: 4, total: 4 }).percent, 100, 'never past the end');
});

test('the studies view label is searcher, seed and error; regret, status and the rest follow in the description', () => {
  const result = {
    trialId: 12, arch: '|x|', finalError: 0.0561, regret: 0.0014, observedErrorAtMax: 0.054, observedEpoch: 200, reachedMaxEpoch: true, bestAnyEpoch: null,
  } as unknown as NonNullable<StudyHeadline['result']>;
  const h = headline({ status: 'finished', result });
  assert.equal(studyTreeLabel(h), 'random s1 · 5.61%');
  assert.equal(describeHeadline(h), 'regret 0.14 pp · finished · 40 trials · 0.50 h');
  assert.equal(studyTreeLabel(headline()), 'random s1 · no result yet');
  assert.equal(describeHeadline(headline()), 'running · 40 trials · 0.50 h');
  assert.equal(studyTreeLabel(headline({ result: { ...result, finalError: null, regret: null } })), 'random s1 · 5.40% one seed');
  assert.equal(studyTreeLabel(headline({ searcher: '', seed: undefined })), 'random-sync-hyperband-s1-20261202-013000 · no result yet', 'before studyStarted: the id');
  assert.ok(studyTreeLabel(headline({ searcher: 'bohb-llambo', seed: 12, result })).length <= 24, 'short enough for a sidebar');
});

test('the API key confirmations say where it went and where it is sent', () => {
  assert.equal(apiKeyStoredMessage('http://127.0.0.1:11434/v1'),
    'API key stored in VS Code\'s secret storage (llamboNas.llm.apiKey); LLAMBO studies send it to http://127.0.0.1:11434/v1. It is never written to settings, logs or exports.');
  assert.match(apiKeyStoredMessage(''), /send it to https:\/\/api\.openai\.com\/v1 \(llamboNas\.llm\.baseUrl is not set\)/);
  assert.match(apiKeyClearedMessage(true), /^API key removed from VS Code's secret storage \(llamboNas\.llm\.apiKey\)/);
  assert.match(apiKeyClearedMessage(false), /^No API key was stored .*nothing to clear\.$/);
});
