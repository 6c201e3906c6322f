import type { Suggestion } from '../searchers/searcher';

/**
 * How the searcher's decision time enters the simulated clock: 'ignore' (free, as the original
 * study's plots assumed), 'measured' (wall time of suggest, Syne Tune's behaviour) or 'modelled'
 * (a fixed number of seconds per suggestion). In both charged modes a Suggestion's own
 * decisionSeconds wins: that is how replies replayed from a cache charge their recorded latency.
 */
export interface DecisionTimeSettings {
  readonly mode: 'ignore' | 'measured' | 'modelled';
  readonly secondsPerSuggestion?: number;
}

/** Simulated seconds one suggestion costs; `measuredSeconds` is the wall time suggest took. */
export function chargedDecisionSeconds(settings: DecisionTimeSettings, suggestion: Suggestion, measuredSeconds: number): number {
  if (settings.mode === 'ignore') return 0;
  const own = suggestion.decisionSeconds;
  if (own !== undefined) {
    if (!(Number.isFinite(own) && own >= 0)) throw new RangeError(`Suggestion.decisionSeconds must be a finite number >= 0, got ${own}`);
    return own;
  }
  return settings.mode === 'measured' ? measuredSeconds : settings.secondsPerSuggestion ?? 0;
}

/**
 * Decision seconds one suggestion's work took, whether charged or not: a Suggestion's own spentSeconds
 * (work done ahead of time and partly hidden, e.g. a prefetched LLM batch), else what was charged.
 */
export function spentDecisionSeconds(settings: DecisionTimeSettings, suggestion: Suggestion, charged: number): number {
  if (settings.mode === 'ignore') return 0;
  const own = suggestion.spentSeconds;
  if (own === undefined) return charged;
  if (!(Number.isFinite(own) && own >= 0)) throw new RangeError(`Suggestion.spentSeconds must be a finite number >= 0, got ${own}`);
  return own;
}

export function assertDecisionTimeSettings(settings: DecisionTimeSettings): void {
  if (!['ignore', 'measured', 'modelled'].includes(settings.mode)) throw new RangeError(`unknown decision time mode: ${settings.mode}`);
  const perSuggestion = settings.secondsPerSuggestion;
  if (perSuggestion !== undefined && !(Number.isFinite(perSuggestion) && perSuggestion >= 0)) {
    throw new RangeError(`secondsPerSuggestion must be a finite number >= 0, got ${perSuggestion}`);
  }
}
