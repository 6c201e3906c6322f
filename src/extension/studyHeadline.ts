/**
 * The headline the status bar, the tree and the panel header show: a projection of the study's read
 * model (one incremental fold, constant work per event, so a reopened study's 10k events fold at once
 * and a running study updates as events arrive), plus the status changes no event records. Pure (no
 * 'vscode').
 */
import { LlmHealthMonitor, unhealthyLine } from '../core/llambo/llmHealthMonitor';
import { StudyReadModel } from '../core/readModel/studyReadModel';
import type { StudyEvent, StudyHeadline, StudyStatus } from '../protocol';

/** What is known of a study before its studyStarted event arrives (from the spec it was started with). */
export type HeadlineDefaults = Partial<Pick<StudyHeadline, 'searcher' | 'scheduler' | 'budgetSeconds'>>;

export class StudyHeadlineFold {
  private readonly model = new StudyReadModel();
  /** Status changes no event records (setStatus); a later studyFinished or studyError replaces them. */
  private statusOverride: StudyStatus | undefined;
  private message: string | undefined;
  private llmUnhealthy: string | undefined;
  private llmWait: string | undefined;
  private readonly llmHealth = new LlmHealthMonitor((_problem, health) => { this.llmUnhealthy = unhealthyLine(health); });

  constructor(private readonly studyId: string, private readonly defaults: HeadlineDefaults = {}) {}

  /** A fresh object: callers may keep it while the fold goes on. */
  get current(): StudyHeadline {
    const { study, finished, failure, trials, incumbent } = this.model;
    const last = incumbent.steps[incumbent.steps.length - 1];
    return {
      studyId: this.studyId,
      status: this.statusOverride ?? (failure ? 'failed' : finished ? (finished.reason === 'cancelled' ? 'cancelled' : 'finished') : 'running'),
      searcher: study?.searcher || this.defaults.searcher || '',
      scheduler: study?.scheduler || this.defaults.scheduler || '',
      ...(study?.seed !== null && study?.seed !== undefined ? { seed: study.seed } : {}),
      simulatedSeconds: this.model.simulatedSeconds,
      budgetSeconds: study?.budgetSeconds ?? this.defaults.budgetSeconds ?? 0,
      trialsStarted: finished?.trialsStarted ?? trials.size,
      resultsReported: finished?.resultsReported ?? this.model.results,
      incumbent: last ? { trialId: last.trialId, epoch: last.epoch, error: last.error, arch: last.arch } : null,
      result: this.model.result.headline,
      llmUsd: this.model.llmTally.totals.costUsd,
      table: study?.table.label ?? '',
      ...(this.message !== undefined ? { message: this.message } : {}),
      ...(this.llmUnhealthy !== undefined ? { llmUnhealthy: this.llmUnhealthy } : {}),
      ...(this.llmWait !== undefined ? { llmWait: this.llmWait } : {}),
    };
  }

  addAll(events: readonly StudyEvent[]): StudyHeadline {
    for (const event of events) this.add(event);
    return this.current;
  }

  add(event: StudyEvent): void {
    this.model.add(event);
    this.llmHealth.sink(event);
    if (event.type === 'studyFinished' || event.type === 'studyError') this.statusOverride = undefined;
    if (event.type === 'studyError') this.message = event.message;
  }

  /** What the study waits on at the LLM now (rate limit, retry backoff), or undefined when it does not wait. */
  setLlmWait(text: string | undefined): void {
    this.llmWait = text;
  }

  /** Status changes no event records: a failed worker, or a log that ends without studyFinished. */
  setStatus(status: StudyStatus, message?: string): StudyHeadline {
    this.statusOverride = status;
    if (message !== undefined) this.message = message;
    return this.current;
  }
}
