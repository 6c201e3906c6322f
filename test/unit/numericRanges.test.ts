import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { runCli } from '../../src/cli/main';
import { describeRange, MAX_TIMER_MS, NUMERIC_RANGES, type RangeName } from '../../src/core/study/numericRanges';
import { parseStudySpec, StudySpecError } from '../../src/core/study/studySpec';

async function cli(...argv: string[]) {
  const stderr: string[] = [];
  const out: CommandOutput = { stdout: () => {}, stderr: (l) => stderr.push(l), progressStream: process.stderr };
  const code = await runCli(argv, out, undefined, {});
  return { code, stderr: stderr.join('\n') };
}

const LLAMBO = ['--searcher', 'llambo', '--llm-base-url', 'http://127.0.0.1:9/v1', '--model', 'm'];

test('huge numeric flags are refused with the flag and its range before anything runs', async () => {
  const cases: [string[], string][] = [
    [['study', '--eta', '1e9'], '--eta: must be a number in [2, 100] (got 1e9)'],
    [['compare', '--seeds', '1e9'], '--seeds: must be an integer in [1, 1000] (got 1e9)'],
    [['study', '--workers', '100000'], '--workers: must be an integer in [1, 256] (got 100000)'],
    [['study', '--hours', '1e6'], '--hours: must be a number in (0, 1000] (got 1e6)'],
    [['study', '--r-max', '201'], '--r-max: must be an integer in [1, 200] (got 201)'],
    [['study', ...LLAMBO, '--llm-timeout-ms', String(MAX_TIMER_MS + 1)], `--llm-timeout-ms: must be an integer in [1, ${MAX_TIMER_MS}] (got ${MAX_TIMER_MS + 1})`],
    [['study', ...LLAMBO, '--max-llm-usd', '1e300'], '--max-llm-usd: must be a number in [0, 1000000] (got 1e300)'],
    [['brackets', '--eta', '1e9'], '--eta: must be a number in [2, 100] (got 1e9)'],
    [['bench', '--compare-seeds', '1e9'], '--compare-seeds: must be an integer in [1, 1000] (got 1e9)'],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await cli(...argv);
    assert.equal(code, 2, argv.join(' '));
    assert.ok(stderr.includes(message), `${argv.join(' ')}: ${stderr}`);
  }
});

test('spec fields carry the same ranges: a timeout beyond Node timers, a billion eta', () => {
  const issues = (input: unknown) => { try { parseStudySpec(input); return []; } catch (e) { return (e as StudySpecError).issues; } };
  assert.deepEqual(issues({ eta: 1e9 }), ['spec.eta: must be a number in [2, 100] (got 1000000000)']);
  assert.deepEqual(issues({ llm: { model: 'm', timeoutMs: 2 ** 31 } }), [`spec.llm.timeoutMs: must be an integer in [1, ${MAX_TIMER_MS}] (got ${2 ** 31})`]);
  assert.deepEqual(issues({ workers: 4, hours: 1e5 }), ['spec.hours: must be a number in (0, 1000] (got 100000)']);
});

/** Setting -> range; `zeroMeansDefault` settings also accept 0 ("use the default"), below the range's minimum. */
const SETTING_RANGES: Record<string, { range: RangeName; zeroMeansDefault?: boolean }> = {
  'llamboNas.llm.concurrency': { range: 'llmConcurrency' },
  'llamboNas.llm.requestsPerMinute': { range: 'requestsPerMinute' },
  'llamboNas.llm.tokensPerMinute': { range: 'tokensPerMinute' },
  'llamboNas.llm.maxUsd': { range: 'maxUsd' },
  'llamboNas.llm.contextWindow': { range: 'contextWindow', zeroMeansDefault: true },
  'llamboNas.llm.modelledSecondsPerCall': { range: 'secondsPerLlmCall' },
  'llamboNas.scheduler.eta': { range: 'eta' },
  'llamboNas.scheduler.rMin': { range: 'rMin' },
  'llamboNas.scheduler.rMax': { range: 'rMax' },
  'llamboNas.workers': { range: 'workers' },
  'llamboNas.budgetHours': { range: 'hours' },
  'llamboNas.seeds': { range: 'seeds' },
};

test('every numeric extension setting declares the range of numericRanges.ts', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
  const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;
  const numeric = Object.keys(properties).filter((key) => ['number', 'integer'].includes(String(properties[key].type)));
  assert.deepEqual(numeric.sort(), Object.keys(SETTING_RANGES).sort(), 'every numeric setting is mapped to a range');
  for (const [key, { range: name, zeroMeansDefault }] of Object.entries(SETTING_RANGES)) {
    const setting = properties[key];
    const range = NUMERIC_RANGES[name];
    assert.equal(setting.type, range.integer ? 'integer' : 'number', `${key} type`);
    assert.equal(setting.maximum, range.max, `${key} maximum (${describeRange(range)})`);
    const min = range.minExclusive ? setting.exclusiveMinimum : setting.minimum;
    assert.equal(min, zeroMeansDefault ? 0 : range.min, `${key} minimum (${describeRange(range)})`);
  }
  const prices = properties['llamboNas.llm.prices'] as { additionalProperties: { properties: Record<string, { minimum: number; maximum: number }> } };
  for (const [field, price] of Object.entries(prices.additionalProperties.properties)) {
    assert.deepEqual([price.minimum, price.maximum], [NUMERIC_RANGES.pricePerMTok.min, NUMERIC_RANGES.pricePerMTok.max], field);
  }
});
