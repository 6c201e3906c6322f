/**
 * One sentence for what the LLM's delay cost a study (StudyDelay), shared by the CLI summary and the
 * panel's overview so both say the same thing.
 */
import type { StudyDelay } from '../events/studyEvents';

export function describeDelay(delay: StudyDelay): string {
  const seconds = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} s`;
  const share = `${(delay.idleShare * 100).toFixed(delay.idleShare < 0.001 ? 3 : 2)}%`;
  return `${seconds(delay.llmSeconds)} LLM, ${seconds(delay.chargedSeconds)} charged to the clock; ` +
    `${delay.idleWorkerSeconds.toFixed(0)} worker-seconds idle waiting for configs (${share} of workers x budget); ` +
    `${delay.mode}, prefetch ${delay.prefetch ? 'on' : 'off'}`;
}
