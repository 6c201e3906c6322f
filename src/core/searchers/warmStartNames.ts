/**
 * Names of the warm-started searchers: any baseline can take LLAMBO's zero-shot warm-start cells as
 * its first suggestions instead of random designs, written `NAME+warm` (e.g. `rea+warm`). The suffix
 * is part of the searcher name, so it composes with everything that takes one (`rea+warm@asha`).
 * `bohb-llambo` is the older name of `bohb+warm`, kept so recorded specs and scripts still run.
 */
export const WARM_STARTABLE = ['random', 'bohb', 'rea', 'local', 'mobster', 'dehb'] as const;

export type WarmStartable = (typeof WARM_STARTABLE)[number];

export const WARM_STARTED_SEARCHERS = [
  'random+warm', 'bohb+warm', 'rea+warm', 'local+warm', 'mobster+warm', 'dehb+warm',
] as const satisfies readonly `${WarmStartable}+warm`[];

export type WarmStartedName = (typeof WARM_STARTED_SEARCHERS)[number];

/** The older name of `bohb+warm`. */
export const BOHB_LLAMBO_ALIAS = 'bohb-llambo';

const WARM_SUFFIX = '+warm';

/** The baseline a warm-started searcher runs after its warm start; undefined for any other name. */
export function warmStartBase(name: string): WarmStartable | undefined {
  if (name === BOHB_LLAMBO_ALIAS) return 'bohb';
  if (!name.endsWith(WARM_SUFFIX)) return undefined;
  const base = name.slice(0, -WARM_SUFFIX.length);
  return (WARM_STARTABLE as readonly string[]).includes(base) ? base as WarmStartable : undefined;
}

/** The current name of a searcher (`bohb-llambo` becomes `bohb+warm`; every other name stays). */
export function currentSearcherName<T extends string>(name: T): T | 'bohb+warm' {
  return name === BOHB_LLAMBO_ALIAS ? 'bohb+warm' : name;
}
