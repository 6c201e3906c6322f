/**
 * Records the event streams the webview tests replay, by running real studies on the bundled NB201
 * table: a small LLAMBO study (scripted LLM: an oracle replier, one sampler reply wrapped in markup
 * that must stay inert), its companion runs (more seeds of LLAMBO and random, for the IQM bands), a
 * short LLAMBO study whose endpoint fails with HTTP 503 after its first two calls (its LLM turns
 * unhealthy) and a 5,000-trial random-search study. Written as JSONL into a temp folder, never into the project.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import type { Cell } from '../../src/core/nb201/searchSpace';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import type { IncumbentRun } from '../../src/core/panel/incumbentSeries';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { LlmRequestFailed } from '../../src/core/llm/llmErrors';
import { runStudy } from '../../src/core/study/studyRunner';
import { fakeChat, oracleReplier } from '../support/llmResponders';

/** Markup a hostile or confused LLM might return; the panel must show it as text. */
export const MARKUP_REPLY_PREFIX = 'Here are the cells <img src=x onerror=alert(1)> <script>alert(2)</script>';

export interface RecordedStudies {
  readonly small: StudyEvent[];
  readonly companions: IncumbentRun[];
  readonly large: StudyEvent[];
  /** LLAMBO whose endpoint answers twice, then fails every request with HTTP 503. */
  readonly failingLlm: StudyEvent[];
  readonly isoClassOf: (ops: readonly number[]) => number;
  readonly seconds: { readonly small: number; readonly large: number };
}

const LLM_SPEC = { model: 'scripted-oracle', baseUrl: 'http://127.0.0.1:9/v1' };

export async function recordStudies(dir: string): Promise<RecordedStudies> {
  mkdirSync(dir, { recursive: true });
  const benchmark = loadTable();
  const ranked = Array.from({ length: 15_625 }, (_, i) => i).sort((a, b) => benchmark.finalErrorMean(a) - benchmark.finalErrorMean(b));
  const goodCells: Cell[] = ranked.slice(0, 3000).map((i) => benchmark.cellAt(i));
  const truth = (cell: Cell, level: number) => benchmark.validError(benchmark.indexOf(cell), 0, level);
  const oracle = oracleReplier({ truth, goodCells });

  const failingLlm = async (): Promise<StudyEvent[]> => {
    const chat = fakeChat(oracle, { latencySeconds: 1.8, failWith: (i) => (i >= 2 ? new LlmRequestFailed('http', 503, 3, 'HTTP 503 Service Unavailable') : undefined) });
    return record({ searcher: 'llambo', hours: 0.5, seed: 0, studyId: 'panel-llambo-failing', llm: LLM_SPEC }, { chat });
  };
  const llambo = async (seed: number, markup: boolean): Promise<StudyEvent[]> => {
    let samplerReplies = 0;
    const chat = fakeChat((view, request) => {
      const reply = oracle(view, request);
      return markup && view.kind === 'cells' && view.level !== undefined && samplerReplies++ === 1 ? `${MARKUP_REPLY_PREFIX}\n${reply}` : reply;
    }, { latencySeconds: 1.8 });
    return record({ searcher: 'llambo', hours: 2, seed, studyId: `panel-llambo-s${seed}`, llm: LLM_SPEC }, { chat });
  };
  const record = async (spec: Record<string, unknown>, llm?: { chat: ReturnType<typeof fakeChat> }): Promise<StudyEvent[]> => {
    const events: StudyEvent[] = [];
    await runStudy(spec, { benchmark, sinks: [(e) => events.push(e)], ...(llm ? { llm } : {}) });
    return events;
  };

  let started = performance.now();
  const small = await llambo(0, true);
  const smallSeconds = (performance.now() - started) / 1000;
  const companionStreams = [await llambo(1, false), await llambo(2, false)];
  for (const seed of [0, 1, 2]) companionStreams.push(await record({ searcher: 'random', hours: 2, seed, studyId: `panel-random-s${seed}` }));
  const companions = companionStreams.map((events) => {
    const builder = new PanelModelBuilder();
    builder.add(events);
    return builder.incumbentRun();
  });
  started = performance.now();
  const large = await record({ searcher: 'random', hours: 1000, maxTrials: 5000, seed: 7, studyId: 'panel-large-5000' });
  const largeSeconds = (performance.now() - started) / 1000;
  writeJsonl(join(dir, 'failing-llm.events.jsonl'), await failingLlm());
  writeJsonl(join(dir, 'small.events.jsonl'), small);
  writeJsonl(join(dir, 'large.events.jsonl'), large);
  writeFileSync(join(dir, 'companions.json'), JSON.stringify(companions));
  return {
    small: readJsonl(join(dir, 'small.events.jsonl')), large: readJsonl(join(dir, 'large.events.jsonl')), companions,
    failingLlm: readJsonl(join(dir, 'failing-llm.events.jsonl')),
    isoClassOf: (ops) => benchmark.isoClass(benchmark.indexOf(ops)),
    seconds: { small: smallSeconds, large: largeSeconds },
  };
}

function writeJsonl(path: string, events: readonly StudyEvent[]): void {
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

/** Read back, so the tests replay the recorded stream rather than objects still in memory. */
function readJsonl(path: string): StudyEvent[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as StudyEvent);
}
