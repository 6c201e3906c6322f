/**
 * The comparison of studies that ran one by one and logged their events (the extension's Compare
 * searchers runs each in its own worker): each log folded into what the summary needs of a run, the
 * same way runStudy folds its stream, so the panel's numbers are the CLI's for the same runs: the
 * LLM's work with the same tally, the delay figures from studyFinished as the study summary has them.
 */
import type { StudyDelay, StudyEvent } from '../events/studyEvents';
import { StudyResultFold, type FinalErrorLookup } from '../readModel/studyResult';
import { isLlmSearcher } from '../searchers/llmSearchers';
import { LlmTally } from './llmTally';
import { summarizeComparison, type ComparisonRunInput, type ComparisonSummary, type ComparisonTable } from './comparisonSummary';

/** One study's log under the label it is compared as (e.g. the searcher's name). */
export interface LabelledStudy {
  readonly label: string;
  readonly events: readonly StudyEvent[];
}

/** A run folded from its log, with the table facts the log's studyStarted carries. */
export interface FoldedRun extends ComparisonRunInput {
  readonly optimumError: number | null;
  readonly table: ComparisonTable | null;
}

export function comparisonRunOf(study: LabelledStudy, finalError?: FinalErrorLookup): FoldedRun {
  const fold = new StudyResultFold(finalError);
  const tally = new LlmTally();
  let seed = 0, end = 0, optimumError: number | null = null, table: ComparisonTable | null = null;
  let usesLlm = false, delay: StudyDelay | undefined;
  for (const event of study.events) {
    fold.add(event);
    tally.sink(event);
    end = Math.max(end, event.time);
    if (event.type === 'studyStarted') {
      const spec = event.spec as { seed?: unknown; searcher?: unknown } | null;
      if (typeof spec?.seed === 'number') seed = spec.seed;
      // As runStudy: only LLM searchers have LLM figures (a baseline's zero requests are no figure).
      usesLlm = isLlmSearcher(spec?.searcher);
      optimumError = event.optimumError;
      table = event.table;
    } else if (event.type === 'studyFinished' && event.delay) {
      delay = event.delay;
    }
  }
  return {
    label: study.label, seed, headline: fold.headline, incumbentAtMax: fold.incumbentAtMax, simulatedSeconds: end, optimumError, table,
    ...(usesLlm ? { llm: tally.totals } : {}), ...(delay ? { delay } : {}),
  };
}

/** Throws when no study has started (nothing to compare) or the studies ran on tables with different optima. */
export function comparisonOfStudies(studies: readonly LabelledStudy[], labels?: readonly string[], finalError?: FinalErrorLookup): ComparisonSummary {
  const runs = studies.map((s) => comparisonRunOf(s, finalError)).filter((r) => r.optimumError !== null);
  if (runs.length === 0) throw new Error('No study to compare: none of them started (see the NAS log).');
  const optima = new Set(runs.map((r) => r.optimumError));
  if (optima.size > 1) throw new Error('The studies ran on different tables (their optima differ): compare studies of one table only.');
  return summarizeComparison(runs, { optimumError: runs[0].optimumError as number, table: runs[0].table, ...(labels ? { labels } : {}) });
}
