/**
 * The companion runs of a study's overview chart: the incumbent traces of the other studies in its
 * group, i.e. those whose spec carries the same `tag` (the studies one "Start NAS study" or "Compare
 * searchers" plan ran as searchers x seeds share one; see planSpecs). The panel draws them beside the
 * study's own line, with an IQM and bootstrap band where one searcher ran several seeds.
 * Each sibling is folded once and then only its new events (a restarted sibling is folded again).
 */
import type { IncumbentRun } from '../core/panel/incumbentSeries';
import { PanelModelBuilder } from '../core/panel/panelModelBuilder';
import type { StudyEvent } from '../protocol';
import type { StudySession } from './studySession';

/** The studies a panel may compare with, and news of their changes (the StudyRegistry). */
export interface StudySource {
  list(): StudySession[];
  onDidChange(listener: (session: StudySession | undefined, newEvents: readonly StudyEvent[]) => void): { dispose(): void };
}

interface SiblingFold {
  builder: PanelModelBuilder;
  /** The first event folded: a study that starts over (resume, reread) has a new one. */
  first: StudyEvent | undefined;
  seen: number;
}

export class StudyCompanions {
  private readonly folds = new Map<string, SiblingFold>();

  constructor(private readonly studies: StudySource) {}

  /** The group tag of a study (from its studyStarted event), or undefined when it has none. */
  static tagOf(session: StudySession): string | undefined {
    const first = session.events[0];
    if (first?.type !== 'studyStarted') return undefined;
    const tag = (first.spec as { tag?: unknown } | null)?.tag;
    return typeof tag === 'string' && tag !== '' ? tag : undefined;
  }

  /** True when `other` is in `session`'s group (and is not the study itself). */
  static areSiblings(session: StudySession, other: StudySession): boolean {
    const tag = StudyCompanions.tagOf(session);
    return other.id !== session.id && tag !== undefined && StudyCompanions.tagOf(other) === tag;
  }

  /** Calls `listener` whenever a sibling of `session` gets new events or changes state. */
  watch(session: StudySession, listener: () => void): { dispose(): void } {
    return this.studies.onDidChange((changed) => {
      if (changed && StudyCompanions.areSiblings(session, changed)) listener();
    });
  }

  /** Incumbent traces of the study's siblings that have an incumbent, in the registry's order. */
  runsFor(session: StudySession): IncumbentRun[] {
    if (StudyCompanions.tagOf(session) === undefined) return [];
    const runs: IncumbentRun[] = [];
    for (const other of this.studies.list()) {
      if (!StudyCompanions.areSiblings(session, other)) continue;
      const run = this.fold(other).incumbentRun();
      if (run.time.length > 0) runs.push(run);
    }
    return runs;
  }

  private fold(session: StudySession): PanelModelBuilder {
    let fold = this.folds.get(session.id);
    // A resumed or reread study empties its event list in place and starts over: fold it again.
    if (!fold || fold.first !== session.events[0] || fold.seen > session.events.length) {
      fold = { builder: new PanelModelBuilder(), first: session.events[0], seen: 0 };
      this.folds.set(session.id, fold);
    }
    if (fold.seen < session.events.length) {
      fold.builder.add(session.events.slice(fold.seen));
      fold.seen = session.events.length;
    }
    return fold.builder;
  }
}
