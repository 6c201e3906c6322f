/** What a comparison needs of one run: a CompareRun of the CLI, or a study the extension folded from its log. */
import type { IncumbentAtMaxPath, ResultHeadline } from '../readModel/studyResult';

export interface ComparisonRunInput {
  readonly label: string;
  readonly seed: number;
  readonly headline: ResultHeadline | null;
  readonly incumbentAtMax: IncumbentAtMaxPath;
  /** Simulated seconds the run reached. */
  readonly simulatedSeconds: number;
}
