/**
 * "Start NAS study": one quick pick whose first item runs at once with the last choices (or the
 * settings' defaults); "Customize..." walks through searchers, scheduler, budget, workers and seeds.
 * The result is a StudyPlan: searchers x seeds on one budget, each pair one study.
 */
import { SCHEDULER_KINDS, type SchedulerKind, type SearcherName } from '../core/study/studySpec';
import type { NasSettings } from './nasSettings';
import type { PickItem, Prompter } from './prompter';

export const LLAMBO: SearcherName = 'llambo';
/** Searchers offered in the flow; LLAMBO needs an LLM endpoint, the others run offline. */
export const SEARCHER_CHOICES: readonly { readonly name: SearcherName; readonly label: string; readonly detail: string }[] = [
  { name: LLAMBO, label: 'LLAMBO', detail: 'LLM warm start, candidate sampler and surrogate (needs an LLM endpoint)' },
  { name: 'random', label: 'Random search', detail: 'uniform over the 15,625 cells' },
  { name: 'bohb', label: 'BOHB-style KDE', detail: 'TPE on the highest rung with enough data' },
  { name: 'bohb-llambo', label: 'BOHB warm-started by LLAMBO', detail: 'BOHB-style KDE whose first cells come from LLAMBO\'s warm start (one LLM request)' },
  { name: 'rea', label: 'Regularized evolution', detail: 'aging evolution with one-edge mutations' },
  { name: 'local', label: 'Local search', detail: 'best-improvement over one-edge neighbours' },
  { name: 'mobster', label: 'SyncMOBSTER', detail: 'Bayesian optimisation, one Gaussian process per rung level, expected improvement' },
  { name: 'dehb', label: 'DEHB', detail: 'differential evolution Hyperband (brings its own brackets)' },
];

const SCHEDULER_DETAIL: Record<SchedulerKind, string> = {
  'sync-hyperband': 'synchronous Hyperband (Syne Tune geometric brackets)',
  'sync-sh': 'synchronous successive halving (bracket 0 only)',
  asha: 'asynchronous successive halving',
  fifo: 'every trial to r_max',
  dehb: 'DEHB brackets (only with the DEHB searcher)',
};

/** What the user chose; stored in workspaceState as the next run's defaults. */
export interface StudyPlan {
  readonly searchers: readonly SearcherName[];
  readonly scheduler: SchedulerKind;
  readonly hours: number;
  readonly workers: number;
  readonly seeds: number;
}

export function defaultPlan(settings: NasSettings): StudyPlan {
  return { searchers: ['random'], scheduler: 'sync-hyperband', hours: settings.budgetHours, workers: settings.workers, seeds: settings.seeds };
}

export function describePlan(plan: StudyPlan): string {
  const seeds = plan.seeds === 1 ? '1 seed' : `${plan.seeds} seeds`;
  return `${plan.searchers.join(', ')} · ${plan.scheduler} · ${plan.hours} h · ${plan.workers} workers · ${seeds}`;
}

/** Asks for a plan; undefined when the user cancels at any step. `minSearchers` = 2 for Compare. */
export async function askStudyPlan(prompter: Prompter, last: StudyPlan, minSearchers = 1): Promise<StudyPlan | undefined> {
  if (last.searchers.length >= minSearchers) {
    const choice = await prompter.pickOne<'run' | 'customize'>('Start NAS study', [
      { label: '$(play) Start', description: describePlan(last), value: 'run' },
      { label: '$(settings-gear) Customize...', description: 'searchers, scheduler, budget, workers, seeds', value: 'customize' },
    ]);
    if (choice === undefined) return undefined;
    if (choice === 'run') return last;
  }
  return customizePlan(prompter, last, minSearchers);
}

async function customizePlan(prompter: Prompter, last: StudyPlan, minSearchers: number): Promise<StudyPlan | undefined> {
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
  return { searchers, scheduler, hours, workers, seeds };
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
export function restorePlan(stored: unknown, defaults: StudyPlan): StudyPlan {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof StudyPlan, unknown>>;
  const known: ReadonlySet<unknown> = new Set(SEARCHER_CHOICES.map((c) => c.name));
  const searchers = Array.isArray(s.searchers) ? s.searchers.filter((n): n is SearcherName => known.has(n)) : [];
  const num = (v: unknown, d: number, int: boolean) => typeof v === 'number' && parsePositive(String(v), int) !== undefined ? v : d;
  return {
    searchers: searchers.length > 0 ? searchers : defaults.searchers,
    scheduler: (SCHEDULER_KINDS as readonly unknown[]).includes(s.scheduler) ? s.scheduler as SchedulerKind : defaults.scheduler,
    hours: num(s.hours, defaults.hours, false),
    workers: num(s.workers, defaults.workers, true),
    seeds: num(s.seeds, defaults.seeds, true),
  };
}
