/**
 * An LLM profile: one named endpoint a comparison can pit against another (base URL, model, extra
 * headers, prices, limits, context window, and where its key comes from). The one definition shared
 * by the CLI's `--llm-profiles FILE` and the extension's `llamboNas.llm.profiles` setting. A profile
 * never holds the key: the CLI names an environment variable (`apiKeyEnv`), the extension keeps one
 * key per profile in SecretStorage.
 */
import * as z from 'zod';
import type { StudySpecInput } from '../study/studySpec';
import { fieldName, valueAt } from '../study/fieldPath';

/** Names go into compare entries (`llambo:NAME@asha`), study ids and cache file names. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Fields people reach for when they mean to store the key itself; refused with the way to do it. */
const KEY_FIELDS = ['apiKey', 'key', 'api_key', 'token'];

/** Built on first use: every CLI process loads this module, few read profiles. */
function buildProfileSchema() {
  const intAtLeast = (min: number) => {
    const error = `must be an integer >= ${min}`;
    return z.int({ error }).min(min, { error });
  };
  const price = z.number({ error: 'must be a number >= 0 (US dollars per million tokens)' })
    .refine((v) => Number.isFinite(v) && v >= 0, { error: 'must be a number >= 0 (US dollars per million tokens)' });

  return z.strictObject({
    name: z.string({ error: 'must be a name such as "gpt4omini"' })
      .regex(PROFILE_NAME, { error: 'must use only letters, digits, ".", "_" and "-" (it names compare entries and cache files), e.g. "gpt4omini"' }),
    baseUrl: z.url({ error: 'must be a URL such as http://127.0.0.1:11434/v1' }),
    model: z.string({ error: 'must be a model name' }).min(1, { error: 'must not be empty' }),
    headers: z.record(z.string(), z.string(), { error: 'must map header names to strings' }).optional(),
    prices: z.strictObject({
      promptPerMTok: price,
      completionPerMTok: price,
      cachedPromptPerMTok: price.optional(),
    }, { error: 'must be {"promptPerMTok": X, "completionPerMTok": Y} in US dollars per million tokens' }).optional(),
    limits: z.strictObject({
      requestsPerMinute: intAtLeast(1).optional(),
      tokensPerMinute: intAtLeast(1).optional(),
      concurrency: intAtLeast(1).optional(),
    }, { error: 'must be {"requestsPerMinute": N, "concurrency": N}' }).optional(),
    contextWindow: intAtLeast(256).optional(),
    apiKeyEnv: z.string({ error: 'must name an environment variable, e.g. "OPENAI_API_KEY"' })
      .regex(ENV_NAME, { error: 'must name an environment variable (letters, digits, "_"), e.g. "OPENAI_API_KEY"; never the key itself' })
      .optional(),
  });
}

let profileSchemaBuilt: ReturnType<typeof buildProfileSchema> | undefined;
const profileSchema = () => profileSchemaBuilt ??= buildProfileSchema();

export type LlmProfile = z.output<ReturnType<typeof buildProfileSchema>>;

/** Profiles that failed validation; one `<where>[i].<field>: <problem> (got <value>)` line per problem. */
export class LlmProfileError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'LlmProfileError';
  }
}

/**
 * Validates a list of profiles; `where` names the list in errors (`profiles` for a file,
 * `llamboNas.llm.profiles` for the setting). Every problem is reported, not just the first.
 */
export function parseLlmProfiles(input: unknown, where: string): LlmProfile[] {
  if (!Array.isArray(input)) {
    throw new LlmProfileError([`${where}: must be a JSON array of profiles such as [{"name": "gpt4omini", "baseUrl": "https://api.openai.com/v1", "model": "gpt-4o-mini", "apiKeyEnv": "OPENAI_API_KEY"}] (got ${describe(input)})`]);
  }
  const issues: string[] = [];
  const profiles: LlmProfile[] = [];
  input.forEach((item, index) => {
    const at = `${where}[${index}]`;
    const keyIssues = keyFieldIssues(item, at);
    const result = profileSchema().safeParse(item);
    if (result.success && keyIssues.length === 0) profiles.push(result.data);
    issues.push(...keyIssues, ...(result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, item, at))));
  });
  const seen = new Set<string>();
  profiles.forEach((profile) => {
    if (seen.has(profile.name)) issues.push(`${where}: the name ${JSON.stringify(profile.name)} is used twice; give each profile its own name`);
    seen.add(profile.name);
  });
  if (issues.length > 0) throw new LlmProfileError(issues);
  return profiles;
}

/** The profile of that name, or an error listing the known ones. */
export function findLlmProfile(profiles: readonly LlmProfile[], name: string, source: string): LlmProfile {
  const profile = profiles.find((p) => p.name === name);
  if (profile) return profile;
  const known = profiles.length === 0 ? `${source} defines none` : `known: ${profiles.map((p) => p.name).join(', ')}`;
  throw new LlmProfileError([`LLM profile ${JSON.stringify(name)} is not defined (${known})`]);
}

/** The spec's `llm` fields a profile sets (the rest, e.g. budgets and cache mode, come from the run). */
export function llmSpecOfProfile(profile: LlmProfile): NonNullable<StudySpecInput['llm']> {
  const { prices, limits } = profile;
  return {
    baseUrl: profile.baseUrl,
    model: profile.model,
    profile: profile.name,
    ...(profile.headers ? { headers: profile.headers } : {}),
    ...(prices ? {
      prices: {
        [profile.model]: {
          inputPerMTok: prices.promptPerMTok, outputPerMTok: prices.completionPerMTok,
          ...(prices.cachedPromptPerMTok !== undefined ? { cachedInputPerMTok: prices.cachedPromptPerMTok } : {}),
        },
      },
    } : {}),
    ...(limits?.concurrency !== undefined ? { concurrency: limits.concurrency } : {}),
    ...(limits?.requestsPerMinute !== undefined ? { requestsPerMinute: limits.requestsPerMinute } : {}),
    ...(limits?.tokensPerMinute !== undefined ? { tokensPerMinute: limits.tokensPerMinute } : {}),
    ...(profile.contextWindow !== undefined ? { contextWindow: profile.contextWindow } : {}),
  };
}

/** File name of a profile's own reply cache, so one profile's replies never answer another's requests. */
export function profileCacheFileName(profile: Pick<LlmProfile, 'name'>): string {
  return `${profile.name}.jsonl`;
}

function keyFieldIssues(item: unknown, at: string): string[] {
  if (item === null || typeof item !== 'object') return [];
  return KEY_FIELDS.filter((field) => Object.hasOwn(item, field)).map((field) =>
    `${at}.${field}: a profile never holds the key; name its environment variable in "apiKeyEnv" (CLI), ` +
    'or store it with "LLAMBO NAS: Set LLM profile API key" (extension)');
}

function describeIssue(issue: z.core.$ZodIssue, item: unknown, at: string): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.filter((key) => !KEY_FIELDS.includes(key)).map((key) => `${fieldName(at, [...issue.path, key])}: unknown field ` +
      '(known: name, baseUrl, model, headers, prices, limits, contextWindow, apiKeyEnv)');
  }
  return [`${fieldName(at, issue.path)}: ${issue.message} (got ${describe(valueAt(item, issue.path))})`];
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
