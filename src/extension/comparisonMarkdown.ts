/** The Markdown table Compare searchers opens (pure, no 'vscode'). */
import { ERROR_METRIC } from '../core/readModel/errorMetric';
import { median } from '../core/study/compareStats';
import { formatError, formatRegret, headlineShort } from '../core/study/resultFormat';
import type { StudyHeadline } from '../protocol';
import type { StudyPlan } from './startStudyFlow';

/**
 * The comparison, ranked by the headline (DESIGN.md section 10): per searcher the median over seeds of
 * the returned cell's seed-mean error at the table's last epoch, and its regret; the best error at
 * any epoch only as the last, labelled column. `searchers` are entry labels (`llambo:gpt4omini` for a
 * study on a profile), matched against each headline's searcher.
 */
export function comparisonMarkdown(
  plan: Pick<StudyPlan, 'scheduler' | 'hours' | 'workers' | 'seeds'> & { readonly searchers: readonly string[] }, headlines: readonly StudyHeadline[],
): string {
  const lines = [
    `# Searcher comparison`, '',
    `${plan.scheduler}, ${plan.hours} h simulated, ${plan.workers} workers, seeds 0-${plan.seeds - 1}. Table: ${headlines[0]?.table ?? '—'}.`, '',
    `Error = ${ERROR_METRIC}. Ranked by the median over seeds of the returned architecture's error at the table's last epoch ` +
      `(seed mean); the returned architecture is the best at r_max, else at the highest rung reached.`, '',
    '| rank | searcher | runs | median error (seed mean) | median regret | best | worst | median best at any epoch (secondary) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = plan.searchers.map((searcher) => searcherSummary(searcher, headlines.filter((h) => h.searcher === searcher)));
  rows.sort((a, b) => (a.medianError ?? Infinity) - (b.medianError ?? Infinity));
  rows.forEach((r, i) => lines.push(
    `| ${i + 1} | ${r.searcher} | ${r.runs} | ${formatError(r.medianError)} | ${formatRegret(r.medianRegret)} | ` +
      `${formatError(r.errors[0])} | ${formatError(r.errors[r.errors.length - 1])} | ${formatError(r.medianAnyEpoch)} |`,
  ));
  lines.push('', 'Studies: ' + headlines.map((h) => `${h.studyId} (${headlineShort(h.result)})`).join(', '), '');
  return lines.join('\n');
}

interface SearcherSummary {
  readonly searcher: string;
  readonly runs: number;
  /** Headline errors of the runs that have one, ascending. */
  readonly errors: readonly number[];
  readonly medianError: number | null;
  readonly medianRegret: number | null;
  readonly medianAnyEpoch: number | null;
}

function searcherSummary(searcher: string, headlines: readonly StudyHeadline[]): SearcherSummary {
  const present = (values: readonly (number | null | undefined)[]) => values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const middle = (values: readonly number[]) => (values.length === 0 ? null : median(values));
  const errors = present(headlines.map((h) => h.result?.finalError));
  return {
    searcher, runs: errors.length, errors, medianError: middle(errors),
    medianRegret: middle(present(headlines.map((h) => h.result?.regret))),
    medianAnyEpoch: middle(present(headlines.map((h) => h.result?.bestAnyEpoch?.error))),
  };
}
