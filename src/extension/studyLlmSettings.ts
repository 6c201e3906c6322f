/**
 * Completes a study spec from the `llamboNas.*` settings for searchers that call an LLM: the endpoint
 * and its limits (spec.llm), the latency mode (spec.decisionTime) and the prompt override folder
 * (spec.searcherOptions.promptOverridesDir). Fields the spec already has win. Pure (no 'vscode'), so
 * it is unit-tested. The API key is never part of what this builds: it travels to the worker apart.
 */
import { isAbsolute, resolve } from 'node:path';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import { warmStartBase } from '../core/searchers/warmStartNames';
import { llmSpecOfProfile, profileCacheFileName, type LlmProfile } from '../core/llm/llmProfile';
import type { StudySpecInput } from '../core/study/studySpec';
import type { LlmSettings, NasSettings } from './nasSettings';

/** The reply cache of a study, relative to its folder (`.nas-studies/<id>/llm-cache.jsonl`). */
export const LLM_CACHE_FILE = 'llm-cache.jsonl';


type LlmSpecInput = NonNullable<StudySpecInput['llm']>;
type DecisionTimeInput = NonNullable<StudySpecInput['decisionTime']>;

/** Header names that carry credentials: those belong in SecretStorage, never in study.json. */
const CREDENTIAL_HEADER = /authorization|api[-_]?key|secret|token|password|cookie/i;


/** Extra headers minus those that look like credentials (returned apart, so the caller can warn). */
export function splitCredentialHeaders(headers: Readonly<Record<string, string>>): { kept: Record<string, string>; dropped: string[] } {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (CREDENTIAL_HEADER.test(name)) dropped.push(name);
    else kept[name] = value;
  }
  return { kept, dropped };
}

export function llmSpecFromSettings(llm: LlmSettings): LlmSpecInput {
  const { kept } = splitCredentialHeaders(llm.extraHeaders);
  return {
    // An empty base URL means the OpenAI API: the spec's default.
    ...(llm.baseUrl !== '' ? { baseUrl: llm.baseUrl } : {}),
    model: llm.model,
    ...(Object.keys(kept).length > 0 ? { headers: kept } : {}),
    concurrency: llm.concurrency,
    requestsPerMinute: llm.requestsPerMinute,
    tokensPerMinute: llm.tokensPerMinute,
    ...(llm.maxUsd > 0 ? { maxUsd: llm.maxUsd } : {}),
    ...(Object.keys(llm.prices).length > 0 ? { prices: { ...llm.prices } } : {}),
    // Always named, even in 'live' mode, so a resume can replay whatever was recorded.
    cachePath: LLM_CACHE_FILE,
    cacheMode: llm.cacheMode,
    responseFormat: llm.responseFormat,
    ...(llm.contextWindow > 0 ? { contextWindow: llm.contextWindow } : {}),
  };
}

/**
 * The reply cache that a plan's warm-started studies (NAME+warm) share, beside their folders
 * (`.nas-studies/<tag>-warmstart.jsonl`). They call the LLM only for the warm start, and each study runs
 * in its own worker, so with the cache replaying (replay-or-live, the default setting) each seed's warm
 * start is sent once for the whole plan, as in the CLI's compare. Other studies keep their own cache.
 */
export function planWarmStartCache(searcher: string, planTag: string | undefined, llm: LlmSettings): Pick<StudySpecInput, 'llm'> {
  if (planTag === undefined || warmStartBase(searcher) === undefined) return {};
  return { llm: { ...llmSpecFromSettings(llm), cachePath: `../${planTag}-warmstart.jsonl` } };
}

/**
 * A profile's reply cache, relative to a study's folder: one file per profile beside the studies
 * (`.nas-studies/llm-replies/<name>.jsonl`), so every study on the profile, in any comparison, replays
 * what an earlier one recorded, and no other profile's replies answer its requests.
 */
export function profileCachePath(profile: Pick<LlmProfile, 'name'>): string {
  return `../${PROFILE_REPLIES_DIR}/${profileCacheFileName(profile)}`;
}

/** Folder of the per-profile reply caches under `.nas-studies/` (not a study: it has no study.json). */
export const PROFILE_REPLIES_DIR = 'llm-replies';

/**
 * The `llm` section of a study on a profile: the profile's endpoint, headers, prices, limits and
 * window; from the settings only what is about the run (dollar budget, cache mode, response format).
 */
export function profileLlmSpec(profile: LlmProfile, llm: LlmSettings): LlmSpecInput {
  return {
    ...llmSpecOfProfile(profile),
    ...(llm.maxUsd > 0 ? { maxUsd: llm.maxUsd } : {}),
    cachePath: profileCachePath(profile),
    cacheMode: llm.cacheMode,
    responseFormat: llm.responseFormat,
  };
}

/** The latency mode; prefetch is named only when turned off (the spec's default is on). */
export function decisionTimeFromSettings(llm: LlmSettings, prefetch = true): DecisionTimeInput {
  const off = prefetch ? {} : { prefetch: false };
  if (llm.latencyMode === 'modelled') return { mode: 'modelled', secondsPerLlmCall: llm.modelledSecondsPerCall, ...off };
  return { mode: llm.latencyMode, ...off };
}

/**
 * The spec a study runs with: for an LLM searcher, the settings fill spec.llm, spec.decisionTime and
 * the prompt override folder (a relative promptsFolder is taken from `workspaceDir`). Other
 * searchers' specs pass through unchanged.
 */
export function withStudySettings(spec: StudySpecInput, settings: NasSettings, workspaceDir?: string): StudySpecInput {
  if (!isLlmSearcher(spec.searcher)) return spec;
  const promptsDir = resolvePromptsFolder(settings.promptsFolder, workspaceDir);
  const options = spec.searcherOptions ?? {};
  const withPrompts = promptsDir !== undefined && options.promptOverridesDir === undefined;
  return {
    ...spec,
    llm: spec.llm ?? llmSpecFromSettings(settings.llm),
    decisionTime: spec.decisionTime ?? decisionTimeFromSettings(settings.llm, settings.prefetch),
    ...(withPrompts ? { searcherOptions: { ...options, promptOverridesDir: promptsDir } } : {}),
  };
}

/**
 * The spec of a resumed study: the recorded spec as it was, except that the reply cache replays what
 * was recorded and asks the endpoint only for the rest (replay-or-live), in the study's folder.
 */
export function resumeSpec(recorded: StudySpecInput): StudySpecInput {
  if (!recorded.llm) return recorded;
  return { ...recorded, llm: { ...recorded.llm, cacheMode: 'replay-or-live', cachePath: recorded.llm.cachePath ?? LLM_CACHE_FILE } };
}

export function resolvePromptsFolder(folder: string, workspaceDir: string | undefined): string | undefined {
  if (folder === '') return undefined;
  if (isAbsolute(folder) || workspaceDir === undefined) return folder;
  return resolve(workspaceDir, folder);
}
