/**
 * A comparison as files for the workspace: a Markdown report (the final table with IQM and 95% CI,
 * every seed's final figures, the notes) and its two charts as SVG (the incumbent at r_max over
 * simulated time as IQM with its band, the average rank over time), drawn by the one chart renderer
 * in fixed colours like a study export's report. Every number comes from the ComparisonSummary, so
 * the report says what the panel and the CLI say.
 */
import { chartSvg, type ChartSvgSpec } from '../panel/chartSvg';
import { seriesStyle } from '../panel/seriesStyles';
import { ERROR_AXIS_LABEL, ERROR_METRIC } from '../readModel/errorMetric';
import { columnText, formatMetric, splitColumns, type ComparisonMetricColumn } from './comparisonMetrics';
import type { ComparisonEntrySummary, ComparisonSummary } from './comparisonSummary';
import { formatError } from './resultFormat';

export const COMPARISON_REPORT_FILE = 'comparison.md';
export const COMPARISON_IQM_CHART_FILE = 'comparison-incumbent-iqm.svg';
export const COMPARISON_RANK_CHART_FILE = 'comparison-average-rank.svg';

const COLOURS = { background: '#ffffff', foreground: '#222222', grid: '#e3e3e3' } as const;
const SIZE = { width: 720, height: 360 } as const;
const hours = (h: number) => `${Number(h.toPrecision(4))} h`;

/** Who ran what: a title and one line on the runs' shared settings. */
export interface ComparisonContext {
  readonly title: string;
  readonly setup: string;
}

/** File name -> text: the report and the two charts it embeds. */
export function comparisonReportFiles(summary: ComparisonSummary, context: ComparisonContext): Record<string, string> {
  return {
    [COMPARISON_REPORT_FILE]: comparisonMarkdown(summary, context),
    [COMPARISON_IQM_CHART_FILE]: chartSvg(iqmChart(summary)),
    [COMPARISON_RANK_CHART_FILE]: chartSvg(rankChart(summary)),
  };
}

/**
 * The results table (with the time to the target error), then, when some entry used an LLM, a second
 * table of what its LLM did and what the delay cost per study; each seed's figures likewise.
 */
export function comparisonMarkdown(summary: ComparisonSummary, context: ComparisonContext): string {
  const { result, llm } = splitColumns(summary.columns);
  const ranked = [...summary.entries].sort((a, b) => a.rank - b.rank);
  const llmEntries = ranked.filter((e) => llm.some((c) => e.metrics[c.key].n > 0));
  const lines = [
    `# ${context.title}`, '', context.setup, '',
    `Error = ${ERROR_METRIC}; lower is better. Ranked by the IQM over seeds of the returned architecture's seed-mean error ` +
      `at the table's last epoch (the returned architecture is the best at r_max, else at the highest rung reached). ` +
      `Time to ≤ ${formatError(summary.targetError)}: simulated time until the incumbent at r_max first reached it, IQM over the seeds that did.`, '',
    ...(summary.table ? [`Table: ${summary.table.label}.`, ''] : []),
    `> ${summary.tableNote}`, '',
    ...(summary.fewSeedsNote ? [`> **Note:** ${summary.fewSeedsNote}`, ''] : []),
    ...(summary.curveNote ? [`> ${summary.curveNote}`, ''] : []),
    `| rank | searcher | seeds | ${result.map((c) => `${cell(c.label)}${c.secondary ? ' (secondary)' : ''}: IQM [95% CI]`).join(' | ')} | average rank at the end |`,
    `|---:|---|---:|${result.map(() => '---:|').join('')}---:|`,
  ];
  for (const entry of ranked) {
    const rank = entry.averageRank[entry.averageRank.length - 1];
    lines.push(`| ${entry.rank} | ${cell(entry.label)} | ${entry.seeds.length} | ` +
      `${result.map((c) => cell(columnText(c, entry.metrics[c.key]))).join(' | ')} | ${rank === undefined ? '—' : rank.toFixed(2)} |`);
  }
  if (llmEntries.length > 0) {
    lines.push('', '## LLM and its delay, per study', '',
      'IQM over seeds [95% CI]. Delay figures only when decision time was charged (measured or modelled latency); ' +
        'idle share = idle worker-seconds / (workers x budget).', '',
      `| searcher | ${llm.map((c) => cell(c.label)).join(' | ')} |`, `|---|${llm.map(() => '---:|').join('')}`);
    for (const entry of llmEntries) lines.push(`| ${cell(entry.label)} | ${llm.map((c) => cell(columnText(c, entry.metrics[c.key]))).join(' | ')} |`);
  }
  lines.push(
    '', `![Incumbent error at r_max over simulated time](${COMPARISON_IQM_CHART_FILE})`, '',
    `![Average rank over simulated time](${COMPARISON_RANK_CHART_FILE})`, '',
    '## Every seed', '',
    ...perSeedTable(summary.entries, result),
  );
  if (llmEntries.length > 0) lines.push('', '## Every seed: LLM and its delay', '', ...perSeedTable(llmEntries, llm));
  lines.push('', `Statistics: ${summary.statistic}. Optimum of the table: ${formatError(summary.optimumError)}.`, '');
  return lines.join('\n');
}

function perSeedTable(entries: readonly ComparisonEntrySummary[], columns: readonly ComparisonMetricColumn[]): string[] {
  return [
    `| searcher | seed | ${columns.map((c) => cell(c.label)).join(' | ')} |`,
    `|---|---:|${columns.map(() => '---:|').join('')}`,
    ...entries.flatMap((entry) => entry.perSeed.map((point) =>
      `| ${cell(entry.label)} | ${point.seed} | ${columns.map((c) => formatMetric(c.unit, point.values[c.key])).join(' | ')} |`)),
  ];
}

function iqmChart(summary: ComparisonSummary): ChartSvgSpec {
  const percent = (values: readonly number[]) => values.map((v) => v * 100);
  return {
    ...SIZE, ...COLOURS, xExtent: [0, endHour(summary)], formatX: hours, formatY: (y) => `${Number(y.toPrecision(3))}%`,
    title: 'Incumbent error at r_max (seed mean at the last epoch): IQM over seeds, 95% band',
    xLabel: 'simulated time (hours)', yLabel: `${ERROR_AXIS_LABEL}, %`,
    series: summary.entries.map((e, i) => ({
      label: e.label, ...seriesStyle(i), kind: 'step' as const,
      x: e.overTime.time.map((t) => t / 3600), y: percent(e.overTime.iqm),
      band: { low: percent(e.overTime.low), high: percent(e.overTime.high) },
    })),
    referenceLines: [{ y: summary.optimumError * 100, label: `table optimum ${formatError(summary.optimumError)}` }],
  };
}

function rankChart(summary: ComparisonSummary): ChartSvgSpec {
  const x = summary.timeGrid.map((t) => t / 3600);
  return {
    ...SIZE, ...COLOURS, xExtent: [0, endHour(summary)], formatX: hours, formatY: (y) => y.toFixed(1),
    title: 'Average rank over seeds (1 = best)', xLabel: 'simulated time (hours)', yLabel: 'average rank',
    yExtent: [1, Math.max(2, summary.entries.length)],
    series: summary.entries.map((e, i) => ({ label: e.label, ...seriesStyle(i), kind: 'line' as const, x, y: e.averageRank })),
  };
}

function endHour(summary: ComparisonSummary): number {
  return (summary.timeGrid[summary.timeGrid.length - 1] ?? 0) / 3600;
}

/** A table cell's text with the pipe escaped, so an odd label cannot break the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
