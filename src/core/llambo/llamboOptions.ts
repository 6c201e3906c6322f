/**
 * Settings of the LLAMBO searcher (DESIGN.md section 6), with the defaults the design names. A study
 * spec passes a partial object; `resolveLlamboOptions` fills defaults and rejects impossible values.
 */

export type ContextLevel = 'none' | 'partial' | 'full';
export type SurrogateMode = 'discriminative' | 'generative';

export interface LlamboOptions {
  /** Cells the warm-start request asks for (N_init). */
  readonly nInit: number;
  /** How much task knowledge the prompts carry: none / partial (task, dataset) / full (+ recipe, cell semantics). */
  readonly contextLevel: ContextLevel;
  /** T: prompt variants per stage, each with its own seeded shuffle of the history. */
  readonly templates: number;
  /** S: surrogate samples per template and chunk. */
  readonly surrogateSamples: number;
  /** Target s' = best - alpha * range at level H. */
  readonly alpha: number;
  /** Each sampler request gets its own target drawn uniformly between s' and the best (LLAMBO's jitter). */
  readonly jitterTarget: boolean;
  /** The target never goes below this error (the optimum region of NB201/CIFAR-10 is about 0.056). */
  readonly targetFloor: number;
  /** Candidate pool size M = max(minCandidates, candidatesPerPick * k). */
  readonly minCandidates: number;
  readonly candidatesPerPick: number;
  /** At most this many cells asked for in one sampler reply. */
  readonly maxCellsPerReply: number;
  /** At most this many candidates in one surrogate request. */
  readonly maxCandidatesPerRequest: number;
  /**
   * Each proposal request asks for this many times the cells it needs (>= 1), so that the expected share
   * of refused proposals (already evaluated, pending, duplicate, isomorphic, invalid) is covered without
   * a repair round; usable cells beyond the pool's need are counted as unused.
   */
  readonly oversampling: number;
  /** Extra sampler rounds when too few usable cells came back, before mutation/random fallbacks. */
  readonly repairRounds: number;
  /** Std floor as a fraction of the range at H (and never below stdFloorMin). */
  readonly stdFloorFraction: number;
  readonly stdFloorMin: number;
  /** Hamming radius (edges) inside which batch picks are penalised; 0 disables the penalty. */
  readonly diversityRadius: number;
  /** Share of each batch that is drawn uniformly at random (not from the LLM). */
  readonly randomFraction: number;
  readonly surrogate: SurrogateMode;
  /** Generative surrogate: "top" means in the best gamma fraction of the history at H. */
  readonly gamma: number;
  /**
   * Tokens the model's context window holds (prompt + reply); the history and the surrogate's chunk
   * size are derived from it (promptBudget.ts). The study sets it from its LLM settings.
   */
  readonly contextWindow: number;
  /** The model's name, to count prompt tokens with its tokenizer ('' = the conservative estimate). */
  readonly model: string;
  /** Tokens of the list of picked/pending cells shown to the sampler. */
  readonly pendingTokenBudget: number;
  /** Level H = highest rung level with at least this many results. */
  readonly minResultsAtLevel: number;
  /** Drop cells whose output is disconnected from the input (they train to chance, ~90% error). */
  readonly rejectDisconnected: boolean;
  readonly samplerTemperature: number;
  readonly surrogateTemperature: number;
  readonly warmStartTemperature: number;
  readonly topP: number;
  readonly samplerMaxTokens: number;
  readonly surrogateMaxTokens: number;
  readonly warmStartMaxTokens: number;
  /** Ask for the S surrogate samples as n choices of one request instead of S requests. */
  readonly samplesAsChoices: boolean;
  /** Concurrent requests assumed when charging a stage's LLM time (the client's limit); 0 = unlimited. */
  readonly timingConcurrency: number;
  /**
   * Prepare the next first-rung batch while the current one trains (issue 12 section 2), so only the
   * time a worker still waits is charged. Off unless asked: it gains nothing when LLM time is ignored,
   * and the study runner turns it on for charged decision time unless the spec says otherwise.
   */
  readonly prefetch: boolean;
  /** Modelled decision time: each LLM request counts this many simulated seconds instead of its latency. */
  readonly secondsPerCall?: number;
  /** Folder with the shipped prompt files; default: next to the bundle, else the source folder. */
  readonly promptsDir?: string;
  /** Folder whose files override shipped prompt files of the same name. */
  readonly promptOverridesDir?: string;
}

export const DEFAULT_LLAMBO_OPTIONS: LlamboOptions = {
  nInit: 8,
  contextLevel: 'full',
  templates: 2,
  surrogateSamples: 3,
  alpha: 0.1,
  jitterTarget: true,
  targetFloor: 0.055,
  minCandidates: 10,
  candidatesPerPick: 2,
  maxCellsPerReply: 20,
  maxCandidatesPerRequest: 40,
  oversampling: 1.5,
  repairRounds: 2,
  stdFloorFraction: 0.05,
  stdFloorMin: 0.002,
  diversityRadius: 2,
  randomFraction: 0,
  surrogate: 'discriminative',
  gamma: 0.25,
  contextWindow: 8192,
  model: '',
  pendingTokenBudget: 800,
  minResultsAtLevel: 4,
  rejectDisconnected: true,
  samplerTemperature: 0.8,
  surrogateTemperature: 0.7,
  warmStartTemperature: 0.7,
  topP: 0.95,
  samplerMaxTokens: 2000,
  surrogateMaxTokens: 1200,
  warmStartMaxTokens: 1200,
  samplesAsChoices: false,
  timingConcurrency: 0,
  prefetch: false,
};

const INTEGER_AT_LEAST: Partial<Record<keyof LlamboOptions, number>> = {
  nInit: 0, templates: 1, surrogateSamples: 1, minCandidates: 1, maxCellsPerReply: 1,
  maxCandidatesPerRequest: 1, repairRounds: 0, diversityRadius: 0, contextWindow: 256, pendingTokenBudget: 0,
  minResultsAtLevel: 1, samplerMaxTokens: 16, surrogateMaxTokens: 16, warmStartMaxTokens: 16, timingConcurrency: 0,
};

const FRACTIONS: readonly (keyof LlamboOptions)[] = ['alpha', 'targetFloor', 'stdFloorFraction', 'stdFloorMin', 'randomFraction', 'gamma', 'topP'];

/** Defaults plus overrides; throws a RangeError naming the first bad setting. */
export function resolveLlamboOptions(overrides: Partial<LlamboOptions> = {}): LlamboOptions {
  const options: LlamboOptions = { ...DEFAULT_LLAMBO_OPTIONS, ...stripUndefined(overrides) };
  for (const [key, min] of Object.entries(INTEGER_AT_LEAST) as [keyof LlamboOptions, number][]) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new RangeError(`llambo.${key} must be an integer >= ${min}, got ${String(value)}`);
    }
  }
  for (const key of FRACTIONS) {
    const value = options[key];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError(`llambo.${key} must be in [0, 1], got ${String(value)}`);
  }
  if (!(options.oversampling >= 1 && options.oversampling <= 4)) {
    throw new RangeError(`llambo.oversampling must be between 1 and 4 (cells asked per cell needed), got ${options.oversampling}`);
  }
  if (!(options.candidatesPerPick >= 1)) throw new RangeError(`llambo.candidatesPerPick must be >= 1, got ${options.candidatesPerPick}`);
  if (!(options.gamma > 0 && options.gamma < 1)) throw new RangeError(`llambo.gamma must be in (0, 1), got ${options.gamma}`);
  for (const key of ['samplerTemperature', 'surrogateTemperature', 'warmStartTemperature'] as const) {
    if (!(options[key] >= 0 && options[key] <= 2)) throw new RangeError(`llambo.${key} must be in [0, 2], got ${options[key]}`);
  }
  if (options.secondsPerCall !== undefined && !(options.secondsPerCall >= 0)) {
    throw new RangeError(`llambo.secondsPerCall must be >= 0, got ${options.secondsPerCall}`);
  }
  if (!['none', 'partial', 'full'].includes(options.contextLevel)) throw new RangeError(`llambo.contextLevel must be none, partial or full`);
  if (!['discriminative', 'generative'].includes(options.surrogate)) throw new RangeError(`llambo.surrogate must be discriminative or generative`);
  return options;
}

/** Settings that were replaced: named in an error rather than silently ignored. */
const REPLACED: Readonly<Record<string, string>> = {
  jsonMode: 'it was replaced by the LLM setting responseFormat (spec llm.responseFormat, --llm-response-format: auto | json_schema | json_object | text; default auto)',
  historyTokenBudget: 'the history budget is now derived from the context window (spec llm.contextWindow, --llm-context-window N)',
};

const OPTIONAL_STRINGS: readonly (keyof LlamboOptions)[] = ['promptsDir', 'promptOverridesDir'];
const OPTIONAL_NUMBERS: readonly (keyof LlamboOptions)[] = ['secondsPerCall'];

/**
 * The LLAMBO settings found in a loose options bag (e.g. a study spec's searcherOptions): known keys
 * only, each checked against the type of its default. Ranges are checked by resolveLlamboOptions.
 */
export function llamboOptionsFrom(bag: Readonly<Record<string, unknown>>): Partial<LlamboOptions> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(bag)) {
    if (value === undefined) continue;
    if (key in REPLACED) throw new RangeError(`llambo.${key} is no longer a setting: ${REPLACED[key]}; remove it`);
    const name = key as keyof LlamboOptions;
    const known = key in DEFAULT_LLAMBO_OPTIONS ? typeof DEFAULT_LLAMBO_OPTIONS[name]
      : OPTIONAL_STRINGS.includes(name) ? 'string' : OPTIONAL_NUMBERS.includes(name) ? 'number' : undefined;
    if (known === undefined) continue;
    if (typeof value !== known) throw new RangeError(`llambo.${key} must be a ${known}, got ${JSON.stringify(value)}`);
    out[key] = value;
  }
  resolveLlamboOptions(out as Partial<LlamboOptions>); // throws on an out-of-range value
  return out as Partial<LlamboOptions>;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
