/**
 * The study spec: everything that defines one simulated NAS study, as plain JSON. The same spec
 * drives the CLI, the worker and the extension; validation errors name the offending field.
 */
import * as z from 'zod';
import { RESPONSE_FORMAT_MODES } from '../llm/llmTypes';
import { describeRange, isInRange, NUMERIC_RANGES, type RangeName } from './numericRanges';
import { SCHEDULER_KINDS, type SchedulerKind } from '../schedulers/scheduler';
import { isLlmSearcher } from '../searchers/llmSearchers';
import { WARM_STARTED_SEARCHERS, warmStartBase } from '../searchers/warmStartNames';
import { fieldName, valueAt } from './fieldPath';

/** The spec names schedulers by the scheduler layer's list; re-exported for the spec's readers. */
export { SCHEDULER_KINDS, type SchedulerKind };

/** `NAME+warm`: the baseline NAME started from LLAMBO's warm-start cells; `bohb-llambo` is the older name of `bohb+warm`. */
export const SEARCHER_NAMES = ['random', 'bohb', 'rea', 'local', 'llambo', 'bohb-llambo', 'dehb', 'mobster', ...WARM_STARTED_SEARCHERS] as const;
export const REPLY_CACHE_MODES = ['live', 'record', 'replay-strict', 'replay-or-live'] as const;
export const CLOCK_MODES = ['event', 'synetune'] as const;
export const DECISION_TIME_MODES = ['ignore', 'measured', 'modelled'] as const;

export type SearcherName = (typeof SEARCHER_NAMES)[number];

/** A searcher that only runs under its own scheduler: DEHB's configs and brackets are one algorithm (warm-started or not). */
export function impliedScheduler(searcher: SearcherName): SchedulerKind | undefined {
  return searcher === 'dehb' || warmStartBase(searcher) === 'dehb' ? 'dehb' : undefined;
}

const DEFAULT_HOURS = 5;

/** A number field checked against its range in numericRanges.ts (the CLI and the settings use the same). */
const ranged = (name: RangeName) => {
  const range = NUMERIC_RANGES[name];
  const error = describeRange(range);
  return z.number({ error }).refine((value) => isInRange(value, range), { error });
};
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });

const decisionTimeSchema = z.strictObject({
  mode: oneOf(DECISION_TIME_MODES).default('ignore'),
  /** Simulated seconds charged per suggestion in 'modelled' mode. */
  secondsPerSuggestion: ranged('secondsPerSuggestion').optional(),
  /** Simulated seconds charged per LLM request in 'modelled' mode (on the batch's critical path). */
  secondsPerLlmCall: ranged('secondsPerLlmCall').optional(),
  /**
   * LLAMBO prepares the next first-rung batch while the current one trains, so only the time a worker
   * still waits is charged (measured and modelled modes). Absent = on; false turns it off.
   */
  prefetch: z.boolean({ error: 'must be true or false' }).optional(),
});

/** The LLM endpoint and its limits. The API key is never part of a spec: it comes from the environment or SecretStorage. */
const llmSchema = z.strictObject({
  baseUrl: z.url({ error: 'must be a URL such as http://127.0.0.1:11434/v1' }).default('https://api.openai.com/v1'),
  model: z.string({ error: 'must be a model name' }).min(1, { error: 'must not be empty' }),
  /** The LLM profile (llmProfile.ts) this endpoint came from, so results can be told apart by profile. */
  profile: z.string({ error: 'must be a profile name' }).min(1, { error: 'must not be empty' }).optional(),
  headers: z.record(z.string(), z.string(), { error: 'must map header names to strings' }).optional(),
  azureApiVersion: z.string({ error: 'must be a string' }).optional(),
  concurrency: ranged('llmConcurrency').default(4),
  requestsPerMinute: ranged('requestsPerMinute').optional(),
  tokensPerMinute: ranged('tokensPerMinute').optional(),
  timeoutMs: ranged('timeoutMs').optional(),
  maxRetries: ranged('maxRetries').optional(),
  maxRequests: ranged('maxRequests').optional(),
  maxTokens: ranged('maxTokens').optional(),
  maxUsd: ranged('maxUsd').optional(),
  prices: z.record(z.string(), z.strictObject({
    inputPerMTok: ranged('pricePerMTok'),
    cachedInputPerMTok: ranged('pricePerMTok').optional(),
    outputPerMTok: ranged('pricePerMTok'),
  }), { error: 'must map model names to prices' }).optional(),
  /** JSONL reply cache; relative paths are resolved against the study folder (or the working directory). */
  cachePath: z.string({ error: 'must be a file path (string)' }).min(1).optional(),
  cacheMode: oneOf(REPLY_CACHE_MODES).default('live'),
  /** How structured output is asked for: auto starts at a JSON schema and steps down when the endpoint refuses. */
  responseFormat: oneOf(RESPONSE_FORMAT_MODES).default('auto'),
  /** Tokens the model's context holds (prompt + reply); default by endpoint kind (contextWindow.ts). */
  contextWindow: ranged('contextWindow').optional(),
});

export type LlmSpec = z.output<typeof llmSchema>;

const rawSpecSchema = z.strictObject({
  searcher: oneOf(SEARCHER_NAMES).default('random'),
  /** Absent: the searcher's own scheduler (dehb), else 'sync-hyperband'. */
  scheduler: oneOf(SCHEDULER_KINDS).optional(),
  workers: ranged('workers').default(4),
  /** Simulated wall-clock budget; `budgetSeconds` wins when both are given and agree. */
  hours: ranged('hours').optional(),
  budgetSeconds: ranged('budgetSeconds').optional(),
  maxTrials: ranged('maxTrials').optional(),
  seed: ranged('seed').default(0),
  rMin: ranged('rMin').default(1),
  eta: ranged('eta').default(3),
  rMax: ranged('rMax').default(200),
  clock: oneOf(CLOCK_MODES).default('event'),
  decisionTime: decisionTimeSchema.default({ mode: 'ignore' }),
  /** Path of the table file; absent = the bundled table. */
  table: z.string({ error: 'must be a file path (string)' }).min(1, { error: 'must not be empty' }).optional(),
  tag: z.string({ error: 'must be a string' }).optional(),
  studyId: z.string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'must use only letters, digits, ".", "_" and "-" (it names a folder)' })
    .optional(),
  /** Searcher settings passed to its factory (e.g. bohb topNPercent, rea populationSize). */
  searcherOptions: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
  /** The LLM endpoint, for searchers that use one (llambo and the warm-started NAME+warm). */
  llm: llmSchema.optional(),
});

type RawSpec = z.output<typeof rawSpecSchema>;

/** A validated spec with every default filled in and the budget resolved to seconds. */
export type StudySpec = Omit<RawSpec, 'hours' | 'budgetSeconds' | 'scheduler'> & { hours: number; budgetSeconds: number; scheduler: SchedulerKind };

/** What callers may pass: any subset of the fields, defaults fill the rest. */
export type StudySpecInput = z.input<typeof rawSpecSchema>;

/** A spec that failed validation; `issues` holds one `spec.<field>: <problem> (got <value>)` line per problem. */
export class StudySpecError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'StudySpecError';
  }
}

/** Validates and completes a spec; throws StudySpecError listing every bad field. */
export function parseStudySpec(input: unknown): StudySpec {
  // jitless: zod would otherwise compile a fast parser with `new Function` for this one parse (a few ms cold).
  const result = rawSpecSchema.safeParse(input, { jitless: true });
  if (!result.success) throw new StudySpecError(result.error.issues.flatMap((issue) => describeIssue(issue, input)));
  return resolveCrossFieldRules(result.data);
}

/** Checks the parts of a spec that depend on the loaded table (r_max against its largest epoch). */
export function checkSpecAgainstTable(spec: StudySpec, maxEpoch: number): void {
  if (spec.rMax > maxEpoch) {
    throw new StudySpecError([`spec.rMax: must be <= the table's largest epoch ${maxEpoch} (got ${spec.rMax})`]);
  }
}

function resolveCrossFieldRules(raw: RawSpec): StudySpec {
  const issues: string[] = [];
  if (raw.rMin >= raw.rMax) issues.push(`spec.rMin: must be below spec.rMax ${raw.rMax} (got ${raw.rMin})`);
  if (raw.hours !== undefined && raw.budgetSeconds !== undefined && Math.abs(raw.hours * 3600 - raw.budgetSeconds) > 1e-6) {
    issues.push(`spec.budgetSeconds: conflicts with spec.hours ${raw.hours} (= ${raw.hours * 3600} s); give only one (got ${raw.budgetSeconds})`);
  }
  const usesLlm = isLlmSearcher(raw.searcher);
  if (raw.decisionTime.mode === 'modelled' && !usesLlm && raw.decisionTime.secondsPerSuggestion === undefined) {
    issues.push('spec.decisionTime.secondsPerSuggestion: required when spec.decisionTime.mode is "modelled" (got nothing)');
  }
  if (raw.decisionTime.mode === 'modelled' && usesLlm && raw.decisionTime.secondsPerLlmCall === undefined) {
    issues.push('spec.decisionTime.secondsPerLlmCall: required when spec.decisionTime.mode is "modelled" and the searcher calls an LLM (got nothing)');
  }
  if (usesLlm && raw.llm === undefined) {
    issues.push(`spec.llm: required by searcher "${raw.searcher}": give at least {"baseUrl": ..., "model": ...} (got nothing)`);
  }
  if (raw.llm && raw.llm.cacheMode !== 'live' && raw.llm.cachePath === undefined) {
    issues.push(`spec.llm.cachePath: required when spec.llm.cacheMode is "${raw.llm.cacheMode}" (got nothing)`);
  }
  const implied = impliedScheduler(raw.searcher);
  const scheduler = raw.scheduler ?? implied ?? 'sync-hyperband';
  if (implied !== undefined && scheduler !== implied) {
    issues.push(`spec.scheduler: searcher "${raw.searcher}" runs only under scheduler "${implied}"; leave spec.scheduler out (got ${JSON.stringify(scheduler)})`);
  }
  if (scheduler === 'dehb' && implied !== 'dehb') {
    issues.push(`spec.scheduler: scheduler "dehb" takes its configs from searcher "dehb" or "dehb+warm" (got searcher ${JSON.stringify(raw.searcher)})`);
  }
  if (issues.length > 0) throw new StudySpecError(issues);
  const budgetSeconds = raw.budgetSeconds ?? (raw.hours ?? DEFAULT_HOURS) * 3600;
  return { ...raw, scheduler, hours: budgetSeconds / 3600, budgetSeconds };
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, input: unknown): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${fieldName('spec', [...issue.path, key])}: unknown field`);
  }
  const value = valueAt(input, issue.path);
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  return [`${fieldName('spec', issue.path)}: ${issue.message} (got ${got})`];
}

