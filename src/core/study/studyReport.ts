/**
 * The Markdown report of one study (report.md of an export), a projection of its read model: the
 * table used and its provenance, the result as DESIGN.md section 10 defines it (the returned
 * architecture's seed-mean error at the table's last epoch and its regret, the observed single-seed
 * error beside it, the best error at any epoch as a labelled secondary figure), the incumbent curve
 * (an SVG written beside the report), the best trials, the LLM totals per component and the spec.
 */
import { ERROR_METRIC } from '../readModel/errorMetric';
import type { LlmComponentTotal } from '../readModel/llmComponentTotals';
import type { StudyReadModel } from '../readModel/studyReadModel';
import type { StudyResult } from '../readModel/studyResult';
import { formatError, formatHours, formatRegret } from './resultFormat';
import { INCUMBENT_CHART_FILE, LLM_CALLS_CHART_FILE } from './studyCharts';

const TOP_TRIALS = 10;

/** `created` is the study's creation time (study.json); `files` every file of the export, the report included. */
export function studyReportMarkdown(model: StudyReadModel, created: string, files: readonly string[]): string {
  const { study, finished, failure } = model;
  const rows = model.trials.rows();
  const best = rows.filter((r) => r.bestError !== null).sort((a, b) => (a.bestError as number) - (b.bestError as number)).slice(0, TOP_TRIALS);
  const outcome = failure ? `failed: ${failure.message}` : finished ? `finished (${finished.reason})` : 'did not finish (interrupted)';
  const lines = [
    `# NAS study ${study?.studyId ?? '(no studyStarted event)'}`,
    '',
    `Created ${created}; ${outcome}; ${formatHours(model.simulatedSeconds)} simulated.`,
    '',
    '## Table',
    '',
    study ? `**${study.table.label}** — ${study.table.provenanceNote}` : 'Unknown (the log has no studyStarted event).',
    '',
    `Optimum (seed-mean error at the last epoch): ${formatError(study?.optimumError)}. Metric: error = ${ERROR_METRIC}.`,
    '',
    '## Result',
    '',
    ...resultSection(model.result.current),
    `- Trials started: ${rows.length}`,
    `- Results reported: ${model.results}`,
    '',
    ...(files.includes(INCUMBENT_CHART_FILE) ? [`![Incumbent error vs simulated time](${INCUMBENT_CHART_FILE})`, ''] : []),
    `## Best ${best.length} trials (any epoch)`,
    '',
    '| trial | best error | at epoch | bracket | cell |',
    '|---:|---:|---:|---:|---|',
    ...best.map((r) => `| ${r.id} | ${formatError(r.bestError)} | ${r.bestErrorEpoch} | ${r.bracket} | \`${tableCell(r.arch)}\` |`),
    '',
    '## LLM',
    '',
    ...llmSection(model, files),
    '## Spec',
    '',
    '```json',
    JSON.stringify(study?.spec ?? null, null, 2),
    '```',
    '',
    '## Files',
    '',
    ...files.map((f) => `- \`${f}\``),
    '',
  ];
  return lines.join('\n');
}

/**
 * Text for a Markdown table cell: an arch string is `|op~0|+|op~0|op~1|+...|`, and GFM splits a row
 * at every unescaped `|`, even inside a code span, so the pipes are escaped (a code span shows `\|` as `|`).
 */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function resultSection(result: StudyResult): string[] {
  const { returned, maxEpoch } = result;
  if (!returned) return ['No trial reported a result.', ''];
  const where = returned.reachedMaxEpoch ? `r_max = ${returned.epoch}` : `epoch ${returned.epoch}, the highest rung reached (r_max ${maxEpoch ?? '?'} was not)`;
  return [
    `- Returned architecture: trial ${returned.trialId}, \`${returned.arch}\` (best error at ${where})`,
    `- **Error at the table's last epoch, seed mean: ${formatError(result.seedMeanError)}` +
      `${result.regret === null ? '' : ` (regret ${formatRegret(result.regret)})`}**` +
      (result.seedMeanError === null ? ' — the table was not available to look it up' : ''),
    `- Observed single-seed error at epoch ${returned.epoch}: ${formatError(returned.observedError)}`,
    `- Secondary (best error at any epoch, Syne Tune's plotting rule; epochs 1–199 of the bundled table are model-generated): ` +
      (result.bestAtAnyEpoch ? `${formatError(result.bestAtAnyEpoch.error)}, trial ${result.bestAtAnyEpoch.trialId} at epoch ${result.bestAtAnyEpoch.epoch}` : '—'),
  ];
}

function llmSection(model: StudyReadModel, files: readonly string[]): string[] {
  const { byComponent, total } = model.llmComponents;
  const spec = model.study?.spec as { llm?: { model?: string; baseUrl?: string; cacheMode?: string }; decisionTime?: { mode?: string } } | null | undefined;
  const llm = spec?.llm;
  const decision = spec?.decisionTime?.mode ?? 'ignore';
  if (!llm && total.calls === 0) return ['No LLM calls (this searcher does not use one).', ''];
  const { newConfigs, fallbacks } = model.llmTally.totals;
  const line = (name: string, r: LlmComponentTotal) =>
    `| ${name} | ${r.calls} | ${r.cacheHits} | ${r.promptTokens} | ${r.completionTokens} | $${r.usd.toFixed(4)} | ${r.latencySeconds.toFixed(1)} | ${r.parseFailures} | ${r.errors} |`;
  return [
    ...(llm ? [`Model \`${llm.model ?? '?'}\` at \`${llm.baseUrl ?? '?'}\`; reply cache ${llm.cacheMode ?? 'live'}; LLM time ${decision === 'ignore' ? 'not counted against the simulated budget' : `counted (${decision})`}.`, ''] : []),
    `Totals: ${total.calls} requests (${total.cacheHits} replayed from the reply cache), ${total.promptTokens} prompt + ${total.completionTokens} completion tokens, $${total.usd.toFixed(4)}, ${total.latencySeconds.toFixed(1)} s of LLM latency. ` +
      `${fallbacks} of ${newConfigs} new configs came from a fallback (mutation or random) instead of the LLM.`,
    '',
    '| component | requests | from cache | prompt tokens | completion tokens | cost | latency (s) | parse failures | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...[...byComponent.entries()].map(([name, r]) => line(name, r)),
    line('**total**', total),
    '',
    ...(files.includes(LLM_CALLS_CHART_FILE) ? [`![LLM requests vs simulated time](${LLM_CALLS_CHART_FILE})`, ''] : []),
    'Every prompt and reply is in `llm-transcript.jsonl`.',
    '',
  ];
}
