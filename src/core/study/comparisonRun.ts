/** What a comparison needs of one run: a CompareRun of the CLI, or a study the extension folded from its log. */
import type { StudyDelay } from '../events/studyEvents';
import type { IncumbentAtMaxPath, ResultHeadline } from '../readModel/studyResult';
import type { LlmStudyTotals } from './llmTally';

export interface ComparisonRunInput {
  readonly label: string;
  readonly seed: number;
  readonly headline: ResultHeadline | null;
  readonly incumbentAtMax: IncumbentAtMaxPath;
  /** Simulated seconds the run reached. */
  readonly simulatedSeconds: number;
  /** LLM searchers: what the study's LLM did (its llmTally totals). */
  readonly llm?: LlmStudyTotals;
  /** LLM searchers whose decision time was charged: what the LLM's delay cost (studyFinished.delay). */
  readonly delay?: StudyDelay;
}
