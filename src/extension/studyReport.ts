/**
 * The Markdown report of one study (report.md of an export): spec, the table used and its provenance,
 * the outcome, the best trials and LLM totals. Pure text from the persisted log, no 'vscode', so the
 * CLI could write the same file. Charts as images come with the panel's chart code (issue #5).
 */
import type { EventLogContents } from '../core/study/eventLog';
import type { StudyEvent } from '../core/study/events';
import { foldTrials } from '../core/study/trialTable';
import { formatError, formatHours } from './studyHeadline';

const TOP_TRIALS = 10;

export function studyReportMarkdown(contents: EventLogContents, files: readonly string[]): string {
  const { record, events } = contents;
  const finished = events.find((e): e is Extract<StudyEvent, { type: 'studyFinished' }> => e.type === 'studyFinished');
  const failed = events.find((e): e is Extract<StudyEvent, { type: 'studyError' }> => e.type === 'studyError');
  const lastTime = events.length > 0 ? events[events.length - 1].time : 0;
  const rows = foldTrials(events);
  const best = rows.filter((r) => r.bestError !== null).sort((a, b) => (a.bestError as number) - (b.bestError as number)).slice(0, TOP_TRIALS);
  const llm = llmTotals(events);
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
    `## Best ${best.length} trials`,
    '',
    '| trial | best error | at epoch | bracket | cell |',
    '|---:|---:|---:|---:|---|',
    ...best.map((r) => `| ${r.trialId} | ${formatError(r.bestError)} | ${r.bestErrorEpoch} | ${r.bracket} | \`${r.arch}\` |`),
    '',
    '## LLM',
    '',
    llm.calls === 0 ? 'No LLM calls.' :
      `${llm.calls} calls (${llm.cacheHits} from the reply cache), ${llm.promptTokens} prompt + ${llm.completionTokens} completion tokens, $${llm.usd.toFixed(4)}.`,
    '',
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

function llmTotals(events: readonly StudyEvent[]): { calls: number; cacheHits: number; promptTokens: number; completionTokens: number; usd: number } {
  const totals = { calls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, usd: 0 };
  for (const e of events) {
    if (e.type !== 'llmCall') continue;
    totals.calls++;
    if (e.cacheHit) totals.cacheHits++;
    totals.promptTokens += e.usage?.promptTokens ?? 0;
    totals.completionTokens += e.usage?.completionTokens ?? 0;
    totals.usd += e.costUsd ?? 0;
  }
  return totals;
}
