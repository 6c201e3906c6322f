import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSpecAgainstTable, parseStudySpec, StudySpecError } from '../../src/core/study/studySpec';
import { makeStudyId } from '../../src/core/study/studyId';

function issuesOf(input: unknown): readonly string[] {
  try {
    parseStudySpec(input);
  } catch (error) {
    assert.ok(error instanceof StudySpecError, `expected StudySpecError, got ${String(error)}`);
    return error.issues;
  }
  assert.fail(`spec ${JSON.stringify(input)} was accepted`);
}

test('an empty spec gets every default, with the 5 h budget in seconds', () => {
  const spec = parseStudySpec({});
  assert.deepEqual(spec, {
    searcher: 'random', scheduler: 'sync-hyperband', workers: 4, seed: 0, rMin: 1, eta: 3, rMax: 200,
    clock: 'event', decisionTime: { mode: 'ignore' }, hours: 5, budgetSeconds: 18000,
  });
});

test('validation messages name the field, the rule and the value given', () => {
  assert.deepEqual(issuesOf({ workers: 0 }), ['spec.workers: must be an integer in [1, 256] (got 0)']);
  assert.deepEqual(issuesOf({ workers: 2.5 }), ['spec.workers: must be an integer in [1, 256] (got 2.5)']);
  assert.deepEqual(issuesOf({ workers: '4' }), ['spec.workers: must be an integer in [1, 256] (got "4")']);
  assert.deepEqual(issuesOf({ searcher: 'llama' }), ['spec.searcher: must be one of "random", "bohb", "rea", "local", "llambo", "bohb-llambo", "dehb", "mobster", ' +
    '"random+warm", "bohb+warm", "rea+warm", "local+warm", "mobster+warm", "dehb+warm" (got "llama")']);
  assert.deepEqual(issuesOf({ decisionTime: { mode: 'sometimes' } }),
    ['spec.decisionTime.mode: must be one of "ignore", "measured", "modelled" (got "sometimes")']);
  assert.deepEqual(issuesOf({ wokers: 4 }), ['spec.wokers: unknown field']);
  assert.deepEqual(issuesOf({ eta: 1.5 }), ['spec.eta: must be a number in [2, 100] (got 1.5)']);
  assert.deepEqual(issuesOf({ studyId: '../escape' })[0].split(':')[0], 'spec.studyId');
});

test('every bad field is reported at once', () => {
  const issues = issuesOf({ workers: -1, seed: -3, clock: 'wall' });
  assert.equal(issues.length, 3);
  assert.ok(issues.some((i) => i.startsWith('spec.workers:')));
  assert.ok(issues.some((i) => i.startsWith('spec.seed:') && i.endsWith('(got -3)')));
  assert.ok(issues.some((i) => i.startsWith('spec.clock:')));
});

test('budget: seconds or hours, never two different budgets', () => {
  assert.equal(parseStudySpec({ budgetSeconds: 3600 }).hours, 1);
  assert.equal(parseStudySpec({ hours: 0.5 }).budgetSeconds, 1800);
  assert.equal(parseStudySpec({ hours: 2, budgetSeconds: 7200 }).budgetSeconds, 7200);
  assert.match(issuesOf({ hours: 2, budgetSeconds: 100 })[0], /^spec\.budgetSeconds: conflicts with spec\.hours/);
  assert.match(issuesOf({ hours: 0 })[0], /^spec\.hours: must be a number in \(0, 1000\] \(got 0\)$/);
});

test('cross-field rules: r_min below r_max, modelled decision time needs seconds', () => {
  assert.deepEqual(issuesOf({ rMin: 50, rMax: 50 }), ['spec.rMin: must be below spec.rMax 50 (got 50)']);
  assert.match(issuesOf({ decisionTime: { mode: 'modelled' } })[0], /^spec\.decisionTime\.secondsPerSuggestion: required/);
  const spec = parseStudySpec({ decisionTime: { mode: 'modelled', secondsPerSuggestion: 2 } });
  assert.deepEqual(spec.decisionTime, { mode: 'modelled', secondsPerSuggestion: 2 });
});

test('r_max is checked against the loaded table', () => {
  const spec = parseStudySpec({ rMax: 150 });
  assert.throws(() => checkSpecAgainstTable(spec, 100), /spec\.rMax: must be <= the table's largest epoch 100 \(got 150\)/);
  assert.doesNotThrow(() => checkSpecAgainstTable(parseStudySpec({}), 200));
});

test('the llm section names the endpoint, fills defaults, rejects unknown fields; a parsed spec parses to itself', () => {
  const spec = parseStudySpec({ searcher: 'llambo', llm: { model: 'gpt-4o-mini' }, tag: 'x' });
  assert.deepEqual(spec.llm, { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', concurrency: 4, cacheMode: 'live', responseFormat: 'auto' });
  assert.match(issuesOf({ llm: { model: 'm', responseFormat: 'json' } })[0], /^spec\.llm\.responseFormat: must be one of "auto", "json_schema", "json_object", "text"/);
  assert.match(issuesOf({ llm: { model: 'm', contextWindow: 100 } })[0], /^spec\.llm\.contextWindow: /);
  assert.deepEqual(parseStudySpec(JSON.parse(JSON.stringify(spec))), spec);
  assert.match(issuesOf({ llm: 'gpt' })[0], /^spec\.llm: /);
  assert.deepEqual(issuesOf({ llm: { model: 'm', apiKey: 'sk-x' } }), ['spec.llm.apiKey: unknown field']);
  assert.match(issuesOf({ searcher: 'llambo' })[0], /^spec\.llm: required by searcher "llambo"/);
  assert.match(issuesOf({ llm: { model: 'm', cacheMode: 'record' } })[0], /^spec\.llm\.cachePath: required when spec\.llm\.cacheMode is "record"/);
  assert.match(issuesOf({ searcher: 'llambo', llm: { model: 'm' }, decisionTime: { mode: 'modelled' } })[0],
    /^spec\.decisionTime\.secondsPerLlmCall: required/);
});

test('study ids: <searcher>-<scheduler>-s<seed>-<yyyymmdd-hhmmss>', () => {
  const id = makeStudyId({ searcher: 'bohb', scheduler: 'asha', seed: 7 }, new Date(2025, 0, 2, 3, 4, 5));
  assert.equal(id, 'bohb-asha-s7-20250102-030405');
  assert.doesNotThrow(() => parseStudySpec({ studyId: id }));
});
