/** How study results read in text (report.md, the status bar, the studies tree, Compare, the CLI). */
import type { StudyDelay } from '../events/studyEvents';
import type { ResultHeadline } from '../readModel/studyResult';

/** "6.12%" style text for an error rate; "—" when there is none yet. */
export function formatError(error: number | null | undefined): string {
  return error === null || error === undefined ? '—' : `${(error * 100).toFixed(2)}%`;
}

/** "0.29 pp" of regret (never negative, so unsigned); "—" when unknown. */
export function formatRegret(regret: number | null | undefined): string {
  return regret === null || regret === undefined ? '—' : `${(regret * 100).toFixed(2)} pp`;
}

/** "1.25 h" of simulated time. */
export function formatHours(seconds: number): string {
  return `${(seconds / 3600).toFixed(2)} h`;
}

/**
 * The headline in a few words (status bar, studies tree): the returned cell's seed-mean error and its
 * regret; for a log that does not record the seed mean, the observed single-seed error, so labelled.
 */
export function headlineShort(h: ResultHeadline | null): string {
  if (!h) return 'no result yet';
  if (h.finalError === null) return `${formatError(h.observedErrorAtMax)} one seed @${h.observedEpoch}`;
  return `${formatError(h.finalError)} (regret ${formatRegret(h.regret)})`;
}

/** Where the returned trial was chosen: at r_max, or at the highest rung reached. */
export function headlineChoice(h: ResultHeadline): string {
  return h.reachedMaxEpoch ? `best at r_max = ${h.observedEpoch}` : `best at epoch ${h.observedEpoch}, the highest rung reached (not r_max)`;
}

/** The headline in full, one line per figure (tooltips, the CLI summary). */
export function headlineLines(h: ResultHeadline): string[] {
  return [
    `Returned: trial ${h.trialId} ${h.arch} (${headlineChoice(h)})`,
    `Error at the table's last epoch, seed mean: ${formatError(h.finalError)}; regret ${formatRegret(h.regret)}` +
      (h.finalError === null ? ' (the log does not record the seed mean)' : ''),
    `Observed, one seed, at epoch ${h.observedEpoch}: ${formatError(h.observedErrorAtMax)}`,
    `Secondary, best at any epoch: ${bestAnyEpochText(h)}`,
  ];
}

/** "4.65% (trial 316, epoch 129)": the secondary figure. */
export function bestAnyEpochText(h: ResultHeadline): string {
  const any = h.bestAnyEpoch;
  return any ? `${formatError(any.error)} (trial ${any.trialId}, epoch ${any.epoch})` : '—';
}

/** What the LLM's delay cost a study, one sentence (the CLI summary and the panel's overview fact). */
export function describeDelay(delay: StudyDelay): string {
  const seconds = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} s`;
  const share = `${(delay.idleShare * 100).toFixed(delay.idleShare < 0.001 ? 3 : 2)}%`;
  return `${seconds(delay.llmSeconds)} LLM, ${seconds(delay.chargedSeconds)} charged to the clock; ` +
    `${delay.idleWorkerSeconds.toFixed(0)} worker-seconds idle waiting for configs (${share} of workers x budget); ` +
    `${delay.mode}, prefetch ${delay.prefetch ? 'on' : 'off'}`;
}
