import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toArchString } from '../../src/core/nb201/searchSpace';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import { chartSvg } from '../../src/core/panel/chartSvg';
import { StudyReadModel } from '../../src/core/readModel/studyReadModel';
import { INCUMBENT_CHART_FILE, LLM_CALLS_CHART_FILE, studyChartFiles } from '../../src/core/study/studyCharts';

const TABLE = { label: 'fixture table', kind: 'bundled-model-calibrated', provenanceNote: 'made up' };
const OPS = [3, 3, 3, 1, 3, 2];

function events(withLlm: boolean): StudyEvent[] {
  const drafts: StudyEventDraft[] = [
    { type: 'studyStarted', time: 0, studyId: 'charts <&>', spec: { budgetSeconds: 5 * 3600, rMax: 3 }, table: TABLE, optimumError: 0.0563 },
    { type: 'trialStarted', time: 0, trialId: 0, arch: toArchString(OPS), ops: OPS, bracket: 0, untilEpoch: 3, seed: 0 },
    { type: 'incumbentChanged', time: 360, trialId: 0, epoch: 1, error: 0.4, arch: toArchString(OPS) },
    { type: 'incumbentChanged', time: 3600, trialId: 0, epoch: 2, error: 0.2, arch: toArchString(OPS) },
    { type: 'incumbentChanged', time: 3 * 3600, trialId: 0, epoch: 3, error: 0.08, arch: toArchString(OPS) },
  ];
  if (withLlm) {
    for (const [i, cacheHit] of [false, true, false].entries()) {
      drafts.push({ type: 'llmCall', time: 100 * i, callId: `c${i}`, component: 'sampler', template: 'sampler', messages: [], reply: '[]', cacheHit });
    }
  }
  return drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent);
}

const paths = (svg: string) => [...svg.matchAll(/<path d="([^"]*)" fill="none" stroke="(#[0-9a-f]{6})"/g)]
  .map((m) => ({ colour: m[2], points: m[1].split(/[MHVL]/).filter(Boolean) }));

test('the incumbent chart steps down to the budget, on a log axis with the optimum dashed, text escaped', () => {
  const files = studyChartFiles(StudyReadModel.of(events(false)));
  assert.deepEqual(Object.keys(files), [INCUMBENT_CHART_FILE], 'no LLM chart without LLM calls');
  const svg = files[INCUMBENT_CHART_FILE];
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="360"/);
  assert.match(svg, /charts &lt;&amp;&gt;/);
  assert.match(svg, /stroke-dasharray="5 4"/, 'the optimum line');
  assert.match(svg, /table optimum 5\.6%/);
  const [curve] = paths(svg);
  // M + (H, V) per later value + H to the budget: three values held to 5 h.
  assert.equal(curve.points.length, 1 + 2 * 2 + 2);
  assert.match(svg, />5 h<\/text>/, 'the x axis reaches the budget');
  assert.equal(svg, studyChartFiles(StudyReadModel.of(events(false)))[INCUMBENT_CHART_FILE], 'deterministic');
});

test('an LLM study gets the cumulative requests chart with its cache hits', () => {
  const svg = studyChartFiles(StudyReadModel.of(events(true)))[LLM_CALLS_CHART_FILE];
  assert.ok(svg);
  const [requests, hits] = paths(svg);
  assert.equal(requests.colour, '#d62728');
  assert.equal(hits.colour, '#2ca02c');
  assert.ok(requests.points.length > hits.points.length);
  assert.match(svg, />of which replayed from the cache<\/text>/);
});

test('an empty chart says so instead of failing', () => {
  const svg = chartSvg({
    title: 't', width: 300, height: 200, xLabel: 'x', yLabel: 'y', yLog: true, background: '#fff', foreground: '#000', grid: '#eee',
    series: [{ label: 's', colour: '#000000', kind: 'step', x: [], y: [] }],
  });
  assert.match(svg, /no data yet/);
  assert.doesNotMatch(svg, /NaN|Infinity/);
});

test('a study whose only result came at its end draws that result as a marker, not as an empty plot', () => {
  // A budget shorter than the first trial's epoch: the one incumbent is at the axis end, so nothing holds it.
  const drafts: StudyEventDraft[] = [
    { type: 'studyStarted', time: 0, studyId: 'young', spec: { budgetSeconds: 1, rMax: 3 }, table: TABLE, optimumError: 0.0563 },
    { type: 'trialStarted', time: 0, trialId: 0, arch: toArchString(OPS), ops: OPS, bracket: 0, untilEpoch: 1, seed: 0 },
    { type: 'incumbentChanged', time: 360, trialId: 0, epoch: 1, error: 0.4, arch: toArchString(OPS) },
  ];
  const svg = studyChartFiles(StudyReadModel.of(drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent)))[INCUMBENT_CHART_FILE];
  assert.equal(paths(svg)[0].points.length, 1, 'the precondition: a step of one point, which draws nothing');
  const marker = [...svg.matchAll(/<circle cx="([^"]*)" cy="([^"]*)" r="3" fill="#1f77b4"\/>/g)];
  assert.equal(marker.length, 1, 'one marker in the line\'s colour');
  assert.equal(`M${marker[0][1]} ${marker[0][2]}`, /<path d="([^"]*)"/.exec(svg)?.[1], 'at the point');
  assert.doesNotMatch(svg, /no data yet|NaN|Infinity/);
});
