/**
 * "Start NAS study": one quick pick whose first item runs at once with the last choices (or the
 * first-run default: LLAMBO beside random search when an LLM endpoint is configured, else random
 * search with the endpoint setup offered first); "Customize..." walks through searchers, scheduler,
 * budget, workers and seeds, and for LLM searchers how LLM time counts and how much context the
 * prompts carry. The result is a StudyPlan: searchers x seeds on one budget, each pair one study.
 */
import type { ContextLevel } from '../core/llambo/llamboOptions';
import { SCHEDULER_KINDS, type SchedulerKind, type SearcherName } from '../core/study/studySpec';
import { LATENCY_MODES, type LatencyMode, type NasSettings } from './nasSettings';
import type { PickItem, Prompter } from './prompter';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import { currentSearcherName, type WarmStartable } from '../core/searchers/warmStartNames';

export const LLAMBO: SearcherName = 'llambo';

interface SearcherChoice { readonly name: SearcherName; readonly label: string; readonly detail: string }

const BASELINE_CHOICES: readonly (SearcherChoice & { readonly name: WarmStartable })[] = [
  { name: 'random', label: 'Random search', detail: 'uniform over the 15,625 cells' },
  { name: 'bohb', label: 'BOHB-style KDE', detail: 'TPE on the highest rung with enough data' },
  { name: 'rea', label: 'Regularized evolution', detail: 'aging evolution with one-edge mutations' },
  { name: 'local', label: 'Local search', detail: 'best-improvement over one-edge neighbours' },
  { name: 'mobster', label: 'SyncMOBSTER', detail: 'Bayesian optimisation, one Gaussian process per rung level, expected improvement' },
  { name: 'dehb', label: 'DEHB', detail: 'differential evolution Hyperband (brings its own brackets)' },
];

/** Each baseline once more, started from LLAMBO's warm-start cells (`NAME+warm`). */
const WARM_STARTED_CHOICES: readonly SearcherChoice[] = BASELINE_CHOICES.map((choice) => ({
  name: `${choice.name}+warm`,
  label: `${choice.label} + LLAMBO warm start`,
  detail: `${choice.label} whose first cells come from LLAMBO's warm start (needs an LLM endpoint; one warm start per seed, shared by every warm-started searcher)`,
}));

/** Searchers offered in the flow; LLAMBO and the warm-started ones need an LLM endpoint, the others run offline. */
export const SEARCHER_CHOICES: readonly SearcherChoice[] = [
  { name: LLAMBO, label: 'LLAMBO', detail: 'LLM warm start, candidate sampler and surrogate (needs an LLM endpoint)' },
  ...BASELINE_CHOICES,
  ...WARM_STARTED_CHOICES,
];

const SCHEDULER_DETAIL: Record<SchedulerKind, string> = {
  'sync-hyperband': 'synchronous Hyperband (Syne Tune geometric brackets)',
  'sync-sh': 'synchronous successive halving (bracket 0 only)',
  asha: 'asynchronous successive halving',
  fifo: 'every trial to r_max',
  dehb: 'DEHB brackets (only with the DEHB searcher)',
};

export const CONTEXT_LEVELS: readonly ContextLevel[] = ['full', 'partial', 'none'];

const LATENCY_DETAIL: Record<LatencyMode, string> = {
  ignore: 'LLM calls cost no simulated time: flatters LLAMBO (the original study\'s plots did this)',
  measured: 'each LLM batch\'s recorded latency is charged to the simulated clock (as Syne Tune does)',
  modelled: 'a fixed number of simulated seconds per LLM request (llamboNas.llm.modelledSecondsPerCall)',
};

const CONTEXT_DETAIL: Record<ContextLevel, string> = {
  full: 'the prompts describe the task, the search space and the dataset',
  partial: 'the prompts describe the search space only',
  none: 'no problem description: the LLM sees only the cells and their errors',
};

/** What the user chose; stored in workspaceState as the next run's defaults. */
export interface StudyPlan {
  readonly searchers: readonly SearcherName[];
  readonly scheduler: SchedulerKind;
  readonly hours: number;
  readonly workers: number;
  readonly seeds: number;
  /** How LLM searchers' LLM time counts; absent: the setting llamboNas.llm.latencyMode. */
  readonly latencyMode?: LatencyMode;
  /** Context of LLAMBO's prompts; absent: full. */
  readonly contextLevel?: ContextLevel;
  /** LLM profiles (llamboNas.llm.profiles) each LLM searcher runs on, once per profile; absent or empty: the default endpoint. */
  readonly profiles?: readonly string[];
}

/** The first run's plan: LLAMBO beside random search when an endpoint is there, else random search. */
export function defaultPlan(settings: NasSettings, hasEndpoint = false): StudyPlan {
  return {
    searchers: hasEndpoint ? ['llambo', 'random'] : ['random'],
    scheduler: 'sync-hyperband', hours: settings.budgetHours, workers: settings.workers, seeds: settings.seeds,
  };
}

/** `settingsLatency`: the setting that applies when the plan names no latency mode. */
export function describePlan(plan: StudyPlan, settingsLatency: LatencyMode = 'ignore'): string {
  const seeds = plan.seeds === 1 ? '1 seed' : `${plan.seeds} seeds`;
  const llm = plan.searchers.some(isLlmSearcher)
    ? `${profilesText(plan)} · LLM time ${plan.latencyMode ?? settingsLatency} · context ${plan.contextLevel ?? 'full'}` : '';
  return `${plan.searchers.join(', ')} · ${plan.scheduler} · ${plan.hours} h · ${plan.workers} workers · ${seeds}${llm}`;
}

function profilesText(plan: StudyPlan): string {
  return plan.profiles && plan.profiles.length > 0 ? ` · on ${plan.profiles.join(', ')}` : '';
}

/** A profile as the pick offers it. */
export interface ProfileChoice {
  readonly name: string;
  readonly model: string;
  readonly baseUrl: string;
}

export interface PlanQuestionOptions {
  /** The setting that applies when the plan names no latency mode. */
  readonly settingsLatency?: LatencyMode;
  /** No endpoint is configured: offer its setup first. */
  readonly offerEndpointSetup?: boolean;
  /** The LLM profiles of the settings; when there are any, LLM searchers are asked which to run on. */
  readonly profiles?: readonly ProfileChoice[];
}

/** The user asked for the LLM endpoint setup instead of a plan. */
export const SET_UP_ENDPOINT = 'setUpEndpoint';

/**
 * Asks for a plan; undefined when the user cancels at any step, SET_UP_ENDPOINT when they chose the
 * offered setup. `minSearchers` = 2 for Compare.
 */
export async function askStudyPlan(
  prompter: Prompter, last: StudyPlan, minSearchers = 1, options: PlanQuestionOptions = {},
): Promise<StudyPlan | typeof SET_UP_ENDPOINT | undefined> {
  if (last.searchers.length >= minSearchers) {
    type Choice = 'run' | 'customize' | typeof SET_UP_ENDPOINT;
    const items: PickItem<Choice>[] = [
      ...(options.offerEndpointSetup ? [{
        label: '$(plug) Set up an LLM endpoint for LLAMBO...', value: SET_UP_ENDPOINT as Choice,
        description: 'API key, local server (Ollama, LM Studio, vLLM) or URL; then LLAMBO runs beside random search',
      }] : []),
      { label: '$(play) Start', description: describePlan(last, options.settingsLatency), value: 'run' },
      { label: '$(settings-gear) Customize...', description: 'searchers, scheduler, budget, workers, seeds, LLM time and context', value: 'customize' },
    ];
    const choice = await prompter.pickOne<Choice>('Start NAS study', items);
    if (choice === undefined) return undefined;
    if (choice === 'run') return last;
    if (choice === SET_UP_ENDPOINT) return SET_UP_ENDPOINT;
  }
  return customizePlan(prompter, last, minSearchers, options.settingsLatency ?? 'ignore', options.profiles ?? []);
}

/** The title of the profile pick (tests answer it by title). */
export const PROFILE_PICK_TITLE = 'LLM profiles (each LLM searcher runs once on each; none picked: the default endpoint)';

/** Asks which profiles the LLM searchers run on; [] means the default endpoint, undefined a cancel. */
export async function askProfiles(prompter: Prompter, profiles: readonly ProfileChoice[], last: readonly string[] = []): Promise<string[] | undefined> {
  return prompter.pickMany(PROFILE_PICK_TITLE, profiles.map((p) => ({
    label: p.name, description: p.model, detail: p.baseUrl, value: p.name, picked: last.includes(p.name),
  })));
}

async function customizePlan(
  prompter: Prompter, last: StudyPlan, minSearchers: number, settingsLatency: LatencyMode, profileChoices: readonly ProfileChoice[],
): Promise<StudyPlan | undefined> {
  const searcherItems: PickItem<SearcherName>[] = SEARCHER_CHOICES.map((s) => ({ label: s.label, detail: s.detail, value: s.name, picked: last.searchers.includes(s.name) }));
  let searchers: SearcherName[] | undefined;
  do {
    searchers = await prompter.pickMany('Searchers (each runs on the same budget and seeds)', searcherItems, minSearchers > 1 ? `pick at least ${minSearchers}` : undefined);
    if (searchers === undefined) return undefined;
  } while (searchers.length < minSearchers);
  // 'dehb' is not offered: the DEHB searcher brings it along, other searchers cannot use it.
  const scheduler = await prompter.pickOne('Scheduler', SCHEDULER_KINDS.filter((kind) => kind !== 'dehb').map((kind) => ({
    label: kind, detail: SCHEDULER_DETAIL[kind], value: kind, description: kind === last.scheduler ? 'last used' : undefined,
  })));
  if (scheduler === undefined) return undefined;
  const hours = await askNumber(prompter, 'Simulated budget (hours)', last.hours, false);
  if (hours === undefined) return undefined;
  const workers = await askNumber(prompter, 'Simulated workers', last.workers, true);
  if (workers === undefined) return undefined;
  const seeds = await askNumber(prompter, 'Seeds per searcher (seed 0, 1, ...)', last.seeds, true);
  if (seeds === undefined) return undefined;
  const plan = { searchers, scheduler, hours, workers, seeds };
  if (!searchers.some(isLlmSearcher)) return plan;
  const profiles = profileChoices.length > 0 ? await askProfiles(prompter, profileChoices, last.profiles) : [];
  if (profiles === undefined) return undefined;
  const current = last.latencyMode ?? settingsLatency;
  const latencyMode = await prompter.pickOne('How LLM time counts on the simulated clock', LATENCY_MODES.map((mode) => ({
    label: mode, detail: LATENCY_DETAIL[mode], value: mode, description: mode === current ? 'current' : undefined,
  })));
  if (latencyMode === undefined) return undefined;
  const currentContext = last.contextLevel ?? 'full';
  const contextLevel = await prompter.pickOne('Context in LLAMBO\'s prompts', CONTEXT_LEVELS.map((level) => ({
    label: level, detail: CONTEXT_DETAIL[level], value: level, description: level === currentContext ? 'current' : undefined,
  })));
  if (contextLevel === undefined) return undefined;
  return { ...plan, latencyMode, contextLevel, ...(profiles.length > 0 ? { profiles } : {}) };
}

async function askNumber(prompter: Prompter, title: string, value: number, integer: boolean): Promise<number | undefined> {
  const text = await prompter.input({
    title, value: String(value),
    validate: (t) => parsePositive(t, integer) === undefined ? `Enter a positive ${integer ? 'whole number' : 'number'}` : undefined,
  });
  return text === undefined ? undefined : parsePositive(text, integer);
}

export function parsePositive(text: string, integer: boolean): number | undefined {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) return undefined;
  if (integer && !Number.isInteger(value)) return undefined;
  return value;
}

/** Restores a stored plan, falling back field by field to the defaults when it is malformed. */
export function restorePlan(stored: unknown, defaults: StudyPlan, knownProfiles: readonly string[] = []): StudyPlan {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof StudyPlan, unknown>>;
  const known: ReadonlySet<unknown> = new Set(SEARCHER_CHOICES.map((c) => c.name));
  // A plan stored before bohb-llambo was renamed bohb+warm keeps its pick.
  const searchers = Array.isArray(s.searchers)
    ? s.searchers.map((n) => (typeof n === 'string' ? currentSearcherName(n) : n)).filter((n): n is SearcherName => known.has(n))
    : [];
  const num = (v: unknown, d: number, int: boolean) => typeof v === 'number' && parsePositive(String(v), int) !== undefined ? v : d;
  return {
    searchers: searchers.length > 0 ? searchers : defaults.searchers,
    scheduler: (SCHEDULER_KINDS as readonly unknown[]).includes(s.scheduler) ? s.scheduler as SchedulerKind : defaults.scheduler,
    hours: num(s.hours, defaults.hours, false),
    workers: num(s.workers, defaults.workers, true),
    seeds: num(s.seeds, defaults.seeds, true),
    ...((LATENCY_MODES as readonly unknown[]).includes(s.latencyMode) ? { latencyMode: s.latencyMode as LatencyMode } : {}),
    ...((CONTEXT_LEVELS as readonly unknown[]).includes(s.contextLevel) ? { contextLevel: s.contextLevel as ContextLevel } : {}),
    ...restoredProfiles(s.profiles, knownProfiles),
  };
}

/** The stored profiles that the settings still define (a renamed or removed profile drops out). */
function restoredProfiles(stored: unknown, known: readonly string[]): Pick<StudyPlan, 'profiles'> {
  const profiles = Array.isArray(stored) ? stored.filter((name): name is string => typeof name === 'string' && known.includes(name)) : [];
  return profiles.length > 0 ? { profiles } : {};
}
