/**
 * The Markdown report of one study (report.md of an export): spec, the table used and its provenance,
 * the outcome with its curve (an SVG the export writes beside the report), the best trials and the
 * LLM totals per component. Pure text from the persisted log, no 'vscode', so the CLI could write the
 * same file.
 */
import type { EventLogContents } from '../core/study/eventLog';
import type { StudyEvent } from '../core/events/studyEvents';
import { foldTrials } from '../core/study/trialTable';
import { INCUMBENT_CHART_FILE, LLM_CALLS_CHART_FILE } from './studyCharts';
import { formatError, formatHours } from './studyHeadline';

const TOP_TRIALS = 10;

export function studyReportMarkdown(contents: EventLogContents, files: readonly string[]): string {
  const { record, events } = contents;
  const finished = events.find((e): e is Extract<StudyEvent, { type: 'studyFinished' }> => e.type === 'studyFinished');
  const failed = events.find((e): e is Extract<StudyEvent, { type: 'studyError' }> => e.type === 'studyError');
  const lastTime = events.length > 0 ? events[events.length - 1].time : 0;
  const rows = foldTrials(events);
  const best = rows.filter((r) => r.bestError !== null).sort((a, b) => (a.bestError as number) - (b.bestError as number)).slice(0, TOP_TRIALS);
  const outcome = failed ? `failed: ${failed.message}` : finished ? `finished (${finished.reason})` : 'did not finish (interrupted)';
  const lines = [
    `# NAS study ${record.studyId}`,
    '',
    `Created ${record.created}; ${outcome}; ${formatHours(lastTime)} simulated.`,
    '',
    '## Table',
    '',
    `**${record.table.label}** — ${record.table.provenanceNote}`,
    '',
    `Optimum (seed-mean error at the last epoch): ${formatError(record.optimumError)}.`,
    '',
    '## Outcome',
    '',
    `- Trials started: ${rows.length}`,
    `- Results reported: ${events.filter((e) => e.type === 'result').length}`,
    `- Best error: ${formatError(finished?.bestError ?? best[0]?.bestError)}` +
      (finished?.bestError != null ? ` (regret ${formatError(finished.bestError - record.optimumError)})` : ''),
    `- Best error at the last epoch: ${formatError(finished?.bestErrorAtMax)}`,
    `- Incumbent: \`${finished?.incumbentArch ?? best[0]?.arch ?? '—'}\``,
    '',
    ...(files.includes(INCUMBENT_CHART_FILE) ? [`![Incumbent error vs simulated time](${INCUMBENT_CHART_FILE})`, ''] : []),
    `## Best ${best.length} trials`,
    '',
    '| trial | best error | at epoch | bracket | cell |',
    '|---:|---:|---:|---:|---|',
    ...best.map((r) => `| ${r.trialId} | ${formatError(r.bestError)} | ${r.bestErrorEpoch} | ${r.bracket} | \`${r.arch}\` |`),
    '',
    '## LLM',
    '',
    ...llmSection(record.spec, events, files),
    '## Spec',
    '',
    '```json',
    JSON.stringify(record.spec, null, 2),
    '```',
    '',
    '## Files',
    '',
    ...files.map((f) => `- \`${f}\``),
    '',
  ];
  return lines.join('\n');
}

interface LlmRow {
  calls: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  usd: number;
  latencySeconds: number;
  parseFailures: number;
  errors: number;
}

/** Totals per component (warmstart, sampler, surrogate, repair) and overall. */
export function llmTotalsByComponent(events: readonly StudyEvent[]): { rows: Map<string, LlmRow>; total: LlmRow } {
  const empty = (): LlmRow => ({ calls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, usd: 0, latencySeconds: 0, parseFailures: 0, errors: 0 });
  const rows = new Map<string, LlmRow>();
  const total = empty();
  for (const e of events) {
    if (e.type !== 'llmCall') continue;
    let row = rows.get(e.component);
    if (!row) rows.set(e.component, row = empty());
    for (const r of [row, total]) {
      r.calls++;
      if (e.cacheHit) r.cacheHits++;
      r.promptTokens += e.usage?.promptTokens ?? 0;
      r.completionTokens += e.usage?.completionTokens ?? 0;
      r.usd += e.costUsd ?? 0;
      r.latencySeconds += e.latencySeconds ?? 0;
      if (e.parseFailures && e.parseFailures.length > 0) r.parseFailures++;
      if (e.error !== undefined) r.errors++;
    }
  }
  return { rows, total };
}

function llmSection(spec: unknown, events: readonly StudyEvent[], files: readonly string[]): string[] {
  const { rows, total } = llmTotalsByComponent(events);
  const llm = (spec as { llm?: { model?: string; baseUrl?: string; cacheMode?: string } } | null)?.llm;
  const decision = (spec as { decisionTime?: { mode?: string } } | null)?.decisionTime?.mode ?? 'ignore';
  if (!llm && total.calls === 0) return ['No LLM calls (this searcher does not use one).', ''];
  const newConfigs = events.filter((e) => e.type === 'trialStarted').length;
  const fallbackConfigs = events.filter((e) => e.type === 'trialStarted' && e.fallback).length;
  const line = (name: string, r: LlmRow) =>
    `| ${name} | ${r.calls} | ${r.cacheHits} | ${r.promptTokens} | ${r.completionTokens} | $${r.usd.toFixed(4)} | ${r.latencySeconds.toFixed(1)} | ${r.parseFailures} | ${r.errors} |`;
  return [
    ...(llm ? [`Model \`${llm.model ?? '?'}\` at \`${llm.baseUrl ?? '?'}\`; reply cache ${llm.cacheMode ?? 'live'}; LLM time ${decision === 'ignore' ? 'not counted against the simulated budget' : `counted (${decision})`}.`, ''] : []),
    `Totals: ${total.calls} requests (${total.cacheHits} replayed from the reply cache), ${total.promptTokens} prompt + ${total.completionTokens} completion tokens, $${total.usd.toFixed(4)}, ${total.latencySeconds.toFixed(1)} s of LLM latency. ` +
      `${fallbackConfigs} of ${newConfigs} new configs came from a fallback (mutation or random) instead of the LLM.`,
    '',
    '| component | requests | from cache | prompt tokens | completion tokens | cost | latency (s) | parse failures | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...[...rows.entries()].map(([name, r]) => line(name, r)),
    line('**total**', total),
    '',
    ...(files.includes(LLM_CALLS_CHART_FILE) ? [`![LLM requests vs simulated time](${LLM_CALLS_CHART_FILE})`, ''] : []),
    'Every prompt and reply is in `llm-transcript.jsonl`.',
    '',
  ];
}
