/**
 * The contenders of a study plan (pure, no 'vscode'): each LLM searcher once per picked LLM profile,
 * or once on the default endpoint, and every other searcher once; and the label a study goes by in
 * a comparison, the same `searcher:profile` the CLI's compare entries use.
 */
import { findLlmProfile, type LlmProfile } from '../core/llm/llmProfile';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import type { SearcherName, StudySpecInput } from '../core/study/studySpec';
import type { NasSettings } from './nasSettings';
import type { StudyPlan } from './startStudyFlow';

export interface PlanEntry {
  readonly searcher: SearcherName;
  readonly profile?: LlmProfile;
}

/** The plan's contenders: each LLM searcher once per picked profile (or once on the default endpoint), each other searcher once. */
export function planEntries(plan: StudyPlan, settings: Pick<NasSettings, 'llmProfiles'>): PlanEntry[] {
  const profiles = (plan.profiles ?? []).map((name) => findLlmProfile(settings.llmProfiles, name, 'llamboNas.llm.profiles'));
  return plan.searchers.flatMap((searcher) =>
    isLlmSearcher(searcher) && profiles.length > 0 ? profiles.map((profile) => ({ searcher, profile })) : [{ searcher }]);
}

/** How a study is named in a comparison: its searcher, and the profile it ran on (`llambo:gpt4omini`, as in the CLI). */
export function entryLabel(spec: Pick<StudySpecInput, 'searcher' | 'llm'>): string {
  const searcher = spec.searcher ?? 'random';
  return spec.llm?.profile === undefined ? searcher : `${searcher}:${spec.llm.profile}`;
}
