/**
 * The config half of DEHB: proposes the cell of every new trial of a `DehbScheduler`, according to
 * the slot the scheduler bound the trial to (`SuggestRequest.evolution`). Random slots take the shared initial design stream (so
 * DEHB starts from the same random cells as every baseline); evolved slots get a DE child: rand/1
 * mutation of three parents from the slot's pool, binomial crossover with the parent slot's
 * occupant (the *target*). A child equal to a cell already suggested is redrawn, up to 25 times,
 * then a random design cell is taken (Syne Tune's exclusion list and retries).
 */
import * as z from 'zod';
import type { EvolutionSlot } from '../evolution/evolutionSlot';
import { cellCode, NUM_CELLS, NUM_EDGES, NUM_OPS, type Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { binomialCrossover, decodeCell, ENCODED_LENGTH, encodeCellRandomly, rand1Mutation } from './differentialEvolution';
import { InitialDesignStream } from './initialDesign';
import type { Observation, Searcher, SearcherContext, Suggestion, SuggestRequest } from './searcher';

export interface DehbOptions {
  /** F of the rand/1 mutation, in (0, 1]. */
  readonly mutationFactor: number;
  /** Probability that an edge of the child comes from the mutant, in (0, 1). */
  readonly crossoverProbability: number;
  /** DE draws before a duplicate child gives way to a random design cell. */
  readonly evolutionAttempts: number;
}

export const DEHB_DEFAULTS: DehbOptions = { mutationFactor: 0.5, crossoverProbability: 0.5, evolutionAttempts: 25 };

/** The options as they arrive from a study spec (ranges are checked by the constructor). */
export const dehbOptionsSchema = z.object({
  mutationFactor: z.number(),
  crossoverProbability: z.number(),
  evolutionAttempts: z.number(),
}).partial();

type Proposal = { cell: number[]; vector: Float64Array; info: Record<string, unknown> };

const STATE_FORMAT = 'dehb-searcher/2';

const stateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  suggestCount: z.int().min(0),
  designPosition: z.int().min(0).max(NUM_CELLS),
  /** Codes of every cell suggested or reported pending, in the order they were first seen. */
  suggested: z.array(z.int().min(0).max(NUM_CELLS - 1)),
  /** Every trial this searcher proposed, in proposal order, with the encoded config DE works on. */
  trials: z.array(z.object({
    trialId: z.int().min(0),
    vector: z.array(z.number().min(0).max(1)).length(ENCODED_LENGTH),
  })),
});

/** The JSON state of a DEHB searcher: everything it learned lives here, none of it in the scheduler. */
export type DehbSearcherState = z.output<typeof stateSchema>;

export class DehbSearcher implements Searcher {
  readonly name = 'dehb';
  readonly options: DehbOptions;
  private context?: SearcherContext;
  private design?: InitialDesignStream;
  private readonly suggested = new Set<number>();
  /** Encoded config of every trial this searcher proposed, by trial id (DE works on these, not on cells). */
  private readonly vectors: (Float64Array | undefined)[] = [];
  private readonly knownTrials: number[] = [];
  private suggestCount = 0;

  constructor(options: Partial<DehbOptions> = {}) {
    this.options = checkedOptions({ ...DEHB_DEFAULTS, ...options });
  }

  configure(context: SearcherContext): void {
    this.context = context;
    this.design = new InitialDesignStream(context.initialDesignRng, (cell) => context.isoClassOf(cell));
    this.suggested.clear();
    this.vectors.length = 0;
    this.knownTrials.length = 0;
    this.suggestCount = 0;
  }

  suggest(request: SuggestRequest): Suggestion {
    const context = this.requireContext();
    const slot = request.evolution;
    if (!slot) {
      throw new Error(`dehb: trial ${request.trialId} comes with no population slot; searcher "dehb" runs only under scheduler "dehb"`);
    }
    const rng = context.rng.derive(`suggest/${this.suggestCount++}`);
    const evolved = slot.origin === 'evolve' ? this.evolve(slot, rng) : null;
    const reason = slot.origin === 'evolve' && !evolved ? 'no new DE child' : undefined;
    const { cell, vector, info } = evolved ?? this.randomProposal(rng, reason);
    this.vectors[request.trialId] = vector;
    this.knownTrials.push(request.trialId);
    this.suggested.add(cellCode(cell));
    return { cell, info: { ...info, bracket: request.bracket, rung: slot.rung } };
  }

  /**
   * A trial this searcher did not propose (a warm-started DEHB's first cells) is adopted: encoded like
   * a random proposal, so DE can take it as a parent and target like its own.
   */
  onPending(trialId: number, cell: Cell): void {
    this.suggested.add(cellCode(cell));
    if (this.vectors[trialId]) return;
    this.vectors[trialId] = encodeCellRandomly(cell, this.requireContext().rng.derive(`adopt/${trialId}`));
    this.knownTrials.push(trialId);
  }

  /** Selection is the scheduler's business: results need nothing here. */
  onResult(_observation: Observation): void {}

  onFailure(): void {}

  state(): DehbSearcherState {
    return {
      format: STATE_FORMAT,
      suggestCount: this.suggestCount,
      designPosition: this.design?.position ?? 0,
      suggested: [...this.suggested],
      trials: this.knownTrials.map((trialId) => ({ trialId, vector: Array.from(this.vectors[trialId]!) })),
    };
  }

  /** Restores a state from `state()` of a DEHB searcher; call after `configure`. */
  restore(state: unknown): void {
    const context = this.requireContext();
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) throw new Error(`not a dehb searcher state: ${parsed.error.message}`);
    const saved = parsed.data;
    this.configure(context);
    this.design!.advanceTo(saved.designPosition);
    for (const code of saved.suggested) this.suggested.add(code);
    for (const { trialId, vector } of saved.trials) {
      if (this.vectors[trialId]) throw new Error(`dehb searcher state lists trial ${trialId} twice`);
      this.vectors[trialId] = Float64Array.from(vector);
      this.knownTrials.push(trialId);
    }
    this.suggestCount = saved.suggestCount;
  }

  /** The encoded config DE works with for a trial this searcher proposed (undefined otherwise). */
  vectorOf(trialId: number): Float64Array | undefined {
    return this.vectors[trialId];
  }

  private evolve(slot: EvolutionSlot, rng: SeededRandom): Proposal | null {
    const pool = slot.parents;
    if (pool.length < 3 || this.knownTrials.length === 0) return null;
    const { mutationFactor, crossoverProbability, evolutionAttempts } = this.options;
    for (let attempt = 1; attempt <= evolutionAttempts; attempt++) {
      const parents = threeDistinct(pool.length, rng).map((position) => this.resolve(pool[position], rng));
      const [x0, x1, x2] = parents.map((trialId) => this.vectors[trialId]!);
      const mutant = rand1Mutation(x0, x1, x2, mutationFactor, rng);
      const target = this.resolve(slot.target, rng);
      const vector = binomialCrossover(mutant, this.vectors[target]!, crossoverProbability, rng);
      const cell = decodeCell(vector);
      if (this.suggested.has(cellCode(cell))) continue;
      return { cell, vector, info: { source: 'evolution', parents, target, attempts: attempt } };
    }
    return null;
  }

  private randomProposal(rng: SeededRandom, reason?: string): Proposal {
    const design = this.design!;
    const cell = design.next((code) => this.suggested.has(code)) ?? Array.from({ length: NUM_EDGES }, () => rng.int(NUM_OPS));
    return { cell: cell.slice(), vector: encodeCellRandomly(cell, rng), info: { source: 'random', ...(reason ? { reason } : {}) } };
  }

  /** A pool entry of -1 (no trial in that parent slot yet) stands for a known trial drawn at random. */
  private resolve(trialId: number, rng: SeededRandom): number {
    if (trialId >= 0 && this.vectors[trialId]) return trialId;
    return this.knownTrials[rng.int(this.knownTrials.length)];
  }

  private requireContext(): SearcherContext {
    if (!this.context) throw new Error('searcher "dehb" used before configure()');
    return this.context;
  }
}

/** Three distinct positions in [0, size), uniformly (numpy's choice(size, 3, replace=False)). */
function threeDistinct(size: number, rng: SeededRandom): number[] {
  const picked: number[] = [];
  while (picked.length < 3) {
    const position = rng.int(size);
    if (!picked.includes(position)) picked.push(position);
  }
  return picked;
}

function checkedOptions(options: DehbOptions): DehbOptions {
  const { mutationFactor, crossoverProbability, evolutionAttempts } = options;
  if (!(mutationFactor > 0 && mutationFactor <= 1)) throw new RangeError(`dehb option mutationFactor must be in (0, 1] (got ${mutationFactor})`);
  if (!(crossoverProbability > 0 && crossoverProbability < 1)) {
    throw new RangeError(`dehb option crossoverProbability must be in (0, 1) (got ${crossoverProbability})`);
  }
  if (!(Number.isInteger(evolutionAttempts) && evolutionAttempts >= 1)) {
    throw new RangeError(`dehb option evolutionAttempts must be an integer >= 1 (got ${evolutionAttempts})`);
  }
  return options;
}
