/**
 * Folds a study's events into the headline the status bar, the tree and the panel header show.
 * Pure (no 'vscode'): one pass, constant work per event, so folding a reopened study's 10k events
 * is instant and a running study updates incrementally.
 */
import { LlmHealthMonitor, unhealthyLine } from '../core/llambo/llmHealthMonitor';
import type { StudyEvent, StudyHeadline, StudyStatus } from '../protocol';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class StudyHeadlineFold {
  private readonly state: Mutable<StudyHeadline>;
  private readonly llmHealth = new LlmHealthMonitor((_problem, health) => { this.state.llmUnhealthy = unhealthyLine(health); });

  constructor(studyId: string, initial: Partial<StudyHeadline> = {}) {
    this.state = {
      studyId, status: 'running', searcher: '', scheduler: '', simulatedSeconds: 0, budgetSeconds: 0,
      trialsStarted: 0, resultsReported: 0, incumbent: null, llmUsd: 0, table: '', ...initial,
    };
  }

  /** A copy: callers may keep it while the fold goes on. */
  get current(): StudyHeadline {
    return { ...this.state };
  }

  addAll(events: readonly StudyEvent[]): StudyHeadline {
    for (const event of events) this.add(event);
    return this.current;
  }

  add(event: StudyEvent): void {
    const s = this.state;
    if (event.time > s.simulatedSeconds) s.simulatedSeconds = event.time;
    this.llmHealth.sink(event);
    switch (event.type) {
      case 'studyStarted': {
        const spec = (event.spec ?? {}) as { searcher?: string; scheduler?: string; budgetSeconds?: number };
        s.searcher = spec.searcher ?? s.searcher;
        s.scheduler = spec.scheduler ?? s.scheduler;
        s.budgetSeconds = spec.budgetSeconds ?? s.budgetSeconds;
        s.table = event.table.label;
        return;
      }
      case 'trialStarted': s.trialsStarted++; return;
      case 'result': s.resultsReported++; return;
      case 'incumbentChanged':
        s.incumbent = { trialId: event.trialId, epoch: event.epoch, error: event.error, arch: event.arch };
        return;
      case 'llmCall': s.llmUsd += event.costUsd ?? 0; return;
      case 'studyFinished':
        s.status = event.reason === 'cancelled' ? 'cancelled' : 'finished';
        s.trialsStarted = event.trialsStarted;
        s.resultsReported = event.resultsReported;
        return;
      case 'studyError':
        s.status = 'failed';
        s.message = event.message;
        return;
      default:
    }
  }

  setLlmWait(text: string | undefined): void {
    if (text === undefined) delete this.state.llmWait;
    else this.state.llmWait = text;
  }

  /** Status changes no event records: a failed worker, or a log that ends without studyFinished. */
  setStatus(status: StudyStatus, message?: string): StudyHeadline {
    this.state.status = status;
    if (message !== undefined) this.state.message = message;
    return this.current;
  }
}

/** "6.12%" style text for an error rate; "—" when there is none yet. */
export function formatError(error: number | null | undefined): string {
  return error === null || error === undefined ? '—' : `${(error * 100).toFixed(2)}%`;
}

/** "1.25 h" of simulated time. */
export function formatHours(seconds: number): string {
  return `${(seconds / 3600).toFixed(2)} h`;
}
