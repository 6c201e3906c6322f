import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { hammingDistance } from '../../src/core/nb201/cellMutation';
import { cellCode, cellFromCode, isValidCell, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { DehbScheduler } from '../../src/core/schedulers/dehbScheduler';
import { DehbSearcher } from '../../src/core/searchers/dehbSearcher';
import { decodeCell } from '../../src/core/searchers/differentialEvolution';
import { InitialDesignStream } from '../../src/core/searchers/initialDesign';
import { simulateStudy } from '../../src/core/sim/simulateStudy';
import type { StudyEventDraft } from '../../src/core/events/studyEvents';

const TARGET: Cell = [3, 3, 1, 3, 2, 3];
const OPTIONS = { rMin: 1, eta: 3, rMax: 27 };

/** A synthetic table: error falls with epochs towards the edge distance from TARGET; seed noise. */
function syntheticBenchmark(): Benchmark {
  return {
    info: { label: 'synthetic', kind: 'bundled-model-calibrated', path: '-', provenanceNote: 'test' },
    numSeeds: 3, maxEpoch: 27, optimumError: 0,
    indexOf: (cell) => cellCode(cell),
    cellAt: (index) => cellFromCode(index),
    validError: (index, seed, epoch) => hammingDistance(cellFromCode(index), TARGET) / 6 + 0.5 / Math.sqrt(epoch) + 0.01 * ((index * 7 + seed * 13) % 5),
    epochSeconds: (index) => 10 + (index % 7),
    finalErrorMean: (index) => hammingDistance(cellFromCode(index), TARGET) / 6,
    isoClass: (index) => index,
  };
}

async function dehbStudy(seed: number, maxTrials = 700) {
  const benchmark = syntheticBenchmark();
  const master = new SeededRandom(seed);
  const scheduler = new DehbScheduler(OPTIONS);
  const searcher = new DehbSearcher();
  searcher.configure({
    rng: master.derive('searcher'), initialDesignRng: master.derive('initialDesign'), rungLevels: scheduler.rungLevels, maxEpoch: 27,
    isoClassOf: (cell) => benchmark.isoClass(benchmark.indexOf(cell)),
  });
  const events: StudyEventDraft[] = [];
  const summary = await simulateStudy({
    benchmark, scheduler, searcher, workers: 4, stop: { maxTrials }, clock: 'event', decisionTime: { mode: 'ignore' },
    rng: master.derive('simulator'), emit: (event) => events.push(event),
  });
  return { summary, events, searcher, scheduler };
}

test('DEHB end to end: same seed same run, the shared initial designs first, valid distinct evolved cells', async () => {
  const a = await dehbStudy(5);
  const b = await dehbStudy(5);
  assert.deepEqual(b.events, a.events, 'same seed, same event stream');
  assert.deepEqual(b.summary, a.summary);
  const other = await dehbStudy(6);
  assert.notDeepEqual(other.events.filter((e) => e.type === 'trialStarted'), a.events.filter((e) => e.type === 'trialStarted'));

  const started = a.events.filter((e) => e.type === 'trialStarted');
  assert.equal(started.length, 700);
  const design = new InitialDesignStream(new SeededRandom(5).derive('initialDesign'), (cell) => cellCode(cell));
  // Bracket 0 with r_max 27 is 27@1 9@3 3@9 1@27: its 27 first-rung cells are the shared random designs.
  for (const event of started.slice(0, 27)) {
    assert.equal(event.info?.source, 'random');
    assert.deepEqual(event.ops, design.next()!);
  }
  const codes = started.map((e) => cellCode(e.ops));
  assert.equal(new Set(codes).size, codes.length, 'never the same cell twice');
  const evolved = started.filter((e) => e.info?.source === 'evolution');
  assert.ok(evolved.length > 400, `evolved: ${evolved.length}`);
  for (const event of evolved) {
    assert.ok(isValidCell(event.ops));
    const vector = a.searcher.vectorOf(event.trialId)!;
    assert.ok(vector.every((x) => x >= 0 && x <= 1));
    assert.deepEqual(decodeCell(vector), event.ops, 'the cell is the decoded child');
    const parents = event.info?.parents as number[];
    assert.equal(parents.length, 3);
    for (const parent of [...parents, event.info?.target as number]) assert.ok(parent < event.trialId, 'parents are earlier trials');
  }
  // DE exploits what the population learned: evolved cells sit closer to the optimum than random ones.
  const distance = (events: typeof started) => events.reduce((sum, e) => sum + hammingDistance(e.ops, TARGET), 0) / events.length;
  const randomCells = started.filter((e) => e.info?.source === 'random');
  console.log(`mean edge distance to the optimum: evolved ${distance(evolved.slice(-200)).toFixed(2)}, random ${distance(randomCells).toFixed(2)}`);
  assert.ok(distance(evolved.slice(-200)) < distance(randomCells) - 0.5, `${distance(evolved.slice(-200))} vs ${distance(randomCells)}`);
  assert.ok(a.events.every((e) => e.type !== 'trialResumed' || e.bracket === 0), 'only bracket 0 resumes');
});

test('the DEHB searcher needs a scheduler that hands out population slots', () => {
  const scheduler = new DehbScheduler(OPTIONS);
  const searcher = new DehbSearcher();
  const master = new SeededRandom(1);
  searcher.configure({ rng: master.derive('searcher'), initialDesignRng: master.derive('initialDesign'), rungLevels: scheduler.rungLevels, maxEpoch: 27, isoClassOf: cellCode });
  assert.throws(() => searcher.suggest({ trialId: 0, bracket: 0, level: 1, slotsRemaining: 27, time: 0 }), /runs only under scheduler "dehb"/);
  const job = scheduler.nextJob(0, true)!;
  assert.equal(job.kind, 'new');
  assert.ok(isValidCell(searcher.suggest({ ...job, time: 0 }).cell));
  assert.throws(() => new DehbSearcher({ mutationFactor: 0 }), /mutationFactor/);
  assert.throws(() => new DehbSearcher({ crossoverProbability: 1 }), /crossoverProbability/);
});

type Proposed = { cell: Cell; source: unknown };

/** Hands out jobs of `scheduler` one at a time and reports each to its level; `searcher` proposes the new ones. */
function serialSteps(scheduler: DehbScheduler, benchmark: Benchmark, searcher: DehbSearcher, steps: number, proposed: Proposed[]): void {
  for (let step = 0; step < steps; step++) {
    const job = scheduler.nextJob(proposed.length, true)!;
    if (job.kind === 'new') {
      const { cell, info } = searcher.suggest({ ...job, time: 0 });
      searcher.onPending(job.trialId, cell);
      proposed.push({ cell, source: info?.source });
    }
    const from = job.kind === 'new' ? 0 : job.fromEpoch;
    const until = job.kind === 'new' ? job.level : job.untilEpoch;
    const index = benchmark.indexOf(proposed[job.trialId].cell);
    for (let epoch = from + 1; epoch <= until; epoch++) scheduler.onResult(job.trialId, epoch, benchmark.validError(index, 0, epoch));
  }
}

test('DEHB searcher state survives JSON, and a restored searcher proposes exactly what the original would', () => {
  const benchmark = syntheticBenchmark();
  const configured = () => {
    const searcher = new DehbSearcher();
    const master = new SeededRandom(9);
    searcher.configure({ rng: master.derive('searcher'), initialDesignRng: master.derive('initialDesign'), rungLevels: [1, 3, 9, 27], maxEpoch: 27, isoClassOf: cellCode });
    return searcher;
  };
  const uninterrupted: Proposed[] = [];
  serialSteps(new DehbScheduler(OPTIONS), benchmark, configured(), 900, uninterrupted);

  const scheduler = new DehbScheduler(OPTIONS);
  const paused = configured();
  const proposed: Proposed[] = [];
  serialSteps(scheduler, benchmark, paused, 400, proposed);
  const saved = JSON.parse(JSON.stringify(paused.state()));
  const resumed = configured();
  resumed.restore(saved);
  assert.deepEqual(resumed.state(), saved, 'state round-trips');
  const before = proposed.length;
  serialSteps(scheduler, benchmark, resumed, 500, proposed);
  assert.ok(before > 100 && proposed.length > before + 100, `${before} then ${proposed.length} trials`);
  assert.deepEqual(proposed, uninterrupted, 'identical continuation');
  const evolvedAfter = proposed.slice(before).filter((p) => p.source === 'evolution').length;
  assert.ok(evolvedAfter > 50, `the continuation breeds from the restored population (${evolvedAfter} children)`);

  assert.throws(() => configured().restore({ format: 'dehb-searcher/1' }), /not a dehb searcher state/);
  assert.throws(() => configured().restore({ ...saved, trials: [saved.trials[0], saved.trials[0]] }), /lists trial 0 twice/);
  assert.throws(() => new DehbSearcher().restore(saved), /before configure/);
});
