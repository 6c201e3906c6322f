/**
 * `--llm-profiles FILE`: the CLI's LLM profiles (src/core/llm/llmProfile.ts) and how a study on one
 * reaches it: its endpoint under the run's limit flags, its key from the environment variable the
 * profile names (never from the file), and its own reply cache in the user cache folder, so that a
 * recorded comparison replays at zero cost and one model's replies never answer another's requests.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  findLlmProfile, llmSpecOfProfile, LlmProfileError, parseLlmProfiles, profileCacheFileName, type LlmProfile,
} from '../core/llm/llmProfile';
import { specWithProfile, type ProfileRun } from '../core/study/compareRunner';
import { isLlmSearcher, LLM_SEARCHERS } from '../core/searchers/llmSearchers';
import { REPLY_CACHE_MODES } from '../core/study/studySpec';
import { choiceFlag, stringFlag, UsageError, type FlagValues, type OptionSpecs } from './cliArgs';
import { isOpenAiUrl } from './llmEndpoint';
import { applyLimitFlags, applyRunLlmFlags, ENDPOINT_FLAGS, type LlmSetup } from './llmFlags';
import { userCacheDir } from './userCacheDir';

export const LLM_PROFILES_FLAGS: OptionSpecs = { 'llm-profiles': { type: 'string' } };
/** `study` runs on one profile of the file. */
export const LLM_PROFILE_FLAG: OptionSpecs = { 'llm-profile': { type: 'string' } };

/** Folder of the per-profile reply caches, under the user cache folder. */
export const PROFILE_CACHE_DIR = 'llm-replies';
/** Profile studies keep and reuse their replies unless --llm-cache-mode says otherwise. */
export const PROFILE_CACHE_MODE = 'replay-or-live';

export const LLM_PROFILES_HELP = `LLM profiles (compare several models in one run):
  --llm-profiles FILE      JSON array of profiles: [{"name": "gpt4omini", "baseUrl": "https://api.openai.com/v1",
                           "model": "gpt-4o-mini", "apiKeyEnv": "OPENAI_API_KEY",
                           "prices": {"promptPerMTok": 0.15, "completionPerMTok": 0.6},
                           "limits": {"requestsPerMinute": 500, "concurrency": 4}, "contextWindow": 128000,
                           "headers": {...}}, ...]; apiKeyEnv names the variable holding the key (never the
                           key itself; leave it out for a local server). Limit flags (--llm-concurrency, ...)
                           override a profile's. Each profile's replies go to its own cache,
                           ${PROFILE_CACHE_DIR}/NAME.jsonl in the user cache folder (~/.cache/llambo-nas, or
                           $LLAMBO_NAS_CACHE), ${PROFILE_CACHE_MODE} unless --llm-cache-mode says otherwise:
                           running the same comparison again replays it without requests or cost.`;

/** Reads and validates the profiles file; errors name the file, the field and the fix. */
export function readLlmProfiles(path: string): LlmProfile[] {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--llm-profiles: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--llm-profiles: ${file} is not JSON (${(error as Error).message})`);
  }
  try {
    return parseLlmProfiles(json, 'profiles');
  } catch (error) {
    if (error instanceof LlmProfileError) throw new UsageError(`--llm-profiles ${file}:\n  ${error.issues.join('\n  ')}`);
    throw error;
  }
}

/** The profiles of --llm-profiles, or none. */
export function profilesFromFlags(values: FlagValues): LlmProfile[] {
  const path = stringFlag(values, 'llm-profiles');
  return path === undefined ? [] : readLlmProfiles(path);
}

/** The named profile, or a UsageError listing the known ones. */
export function profileNamed(profiles: readonly LlmProfile[], name: string, flag: string): LlmProfile {
  try {
    return findLlmProfile(profiles, name, '--llm-profiles');
  } catch (error) {
    if (error instanceof LlmProfileError) throw new UsageError(`${flag}: ${error.message}${profiles.length === 0 ? '; give --llm-profiles FILE' : ''}`);
    throw error;
  }
}

/** A profile's run (spec fields and key for the comparison) and its public set-up (for notes and the preflight). */
export interface ProfileSetup {
  readonly run: ProfileRun;
  readonly setup: LlmSetup;
}

export function profileSetup(profile: LlmProfile, values: FlagValues, env: NodeJS.ProcessEnv): ProfileSetup {
  const cacheMode = choiceFlag(values, 'llm-cache-mode', REPLY_CACHE_MODES) ?? PROFILE_CACHE_MODE;
  const cachePath = join(userCacheDir(env), PROFILE_CACHE_DIR, profileCacheFileName(profile));
  const llm: Record<string, unknown> = { ...llmSpecOfProfile(profile) };
  applyLimitFlags(llm, values);
  llm.cacheMode = cacheMode;
  if (cacheMode !== 'live') llm.cachePath = cachePath;
  const apiKey = profileKey(profile, env, cacheMode);
  const concurrency = typeof llm.concurrency === 'number' ? llm.concurrency : 4;
  return {
    run: {
      llm: llm as ProfileRun['llm'],
      // LLAMBO charges a stage's LLM time as this endpoint runs it: `concurrency` requests at a time.
      searcherOptions: { timingConcurrency: concurrency },
      access: { apiKey },
    },
    setup: {
      access: { apiKey }, baseUrl: profile.baseUrl, model: profile.model, cacheMode,
      ...(cacheMode !== 'live' ? { cachePath } : {}),
      keyFrom: apiKey === undefined ? null : (profile.apiKeyEnv ?? null),
    },
  };
}

function profileKey(profile: LlmProfile, env: NodeJS.ProcessEnv, cacheMode: string): string | undefined {
  if (profile.apiKeyEnv === undefined) {
    if (isOpenAiUrl(profile.baseUrl) && cacheMode !== 'replay-strict') {
      throw new UsageError(`--llm-profiles: profile "${profile.name}" is on ${profile.baseUrl}, which needs a key: add "apiKeyEnv": "OPENAI_API_KEY" (the variable's name) to it`);
    }
    return undefined;
  }
  const key = env[profile.apiKeyEnv]?.trim();
  if (key) return key;
  if (cacheMode === 'replay-strict') return undefined;
  throw new UsageError(`--llm-profiles: profile "${profile.name}" takes its key from ${profile.apiKeyEnv}, which is not set; ` +
    `export ${profile.apiKeyEnv}=... (or --llm-cache-mode replay-strict to replay its recorded cache)`);
}

/**
 * `study --llm-profile NAME`: puts the profile's endpoint, limits, prices and cache into the spec
 * input (mutating it) and returns the study's LLM set-up.
 */
export function applyStudyProfile(input: Record<string, unknown>, values: FlagValues, searcher: string, env: NodeJS.ProcessEnv): LlmSetup {
  const name = stringFlag(values, 'llm-profile') as string;
  if (!isLlmSearcher(searcher)) {
    throw new UsageError(`--llm-profile: only used by the LLM searchers (${LLM_SEARCHERS.join(', ')}); this study runs ${searcher}`);
  }
  refuseEndpointFlags(values, '--llm-profile');
  const { run, setup } = profileSetup(profileNamed(profilesFromFlags(values), name, '--llm-profile'), values, env);
  Object.assign(input, specWithProfile(input, run));
  applyRunLlmFlags(input, values, {});
  return setup;
}

/** Flags a profile replaces: its endpoint and its cache come from the profile. */
export function refuseEndpointFlags(values: FlagValues, because: string): void {
  const flag = [...ENDPOINT_FLAGS, 'llm-cache'].find((name) => values[name] !== undefined);
  if (flag === undefined) return;
  throw new UsageError(`--${flag}: with ${because} the endpoint and the reply cache come from the profile ` +
    `(its cache is ${PROFILE_CACHE_DIR}/NAME.jsonl in the user cache folder); change the profile instead`);
}
