/**
 * Which OpenAI-compatible endpoint LLAMBO talks to when the command line does not say: the
 * environment (LLAMBO_BASE_URL / LLAMBO_MODEL for any server, OPENAI_API_KEY for OpenAI itself).
 * The key is only ever read here and handed to the LLM client; it is never printed or stored.
 */

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';
export const API_KEY_ENV = 'OPENAI_API_KEY';
export const BASE_URL_ENV = 'LLAMBO_BASE_URL';
export const MODEL_ENV = 'LLAMBO_MODEL';

/** The one line the default study prints when it ran only the baselines. */
export const ENABLE_LLAMBO_LINE =
  `LLAMBO: set ${API_KEY_ENV}, or ${BASE_URL_ENV}=http://127.0.0.1:11434/v1 ${MODEL_ENV}=llama3.1 for a local server ` +
  '(Ollama, LM Studio, vLLM, llama.cpp); or pass --searcher llambo --llm-base-url URL --model NAME';

/** The API key from the environment, or undefined (empty counts as unset). */
export function apiKeyFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const key = env[API_KEY_ENV];
  return key !== undefined && key.trim() !== '' ? key : undefined;
}

function envText(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function baseUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return envText(env, BASE_URL_ENV);
}

export function modelFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return envText(env, MODEL_ENV);
}

/** True for OpenAI's own API, where the default model applies and a key is needed. */
export function isOpenAiUrl(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.toLowerCase() === 'api.openai.com';
  } catch {
    return false;
  }
}

/**
 * Whether the environment configures an endpoint, so that `study` without --searcher runs LLAMBO:
 * OPENAI_API_KEY, or LLAMBO_BASE_URL together with LLAMBO_MODEL.
 */
export function endpointConfiguredByEnv(env: NodeJS.ProcessEnv): boolean {
  if (apiKeyFromEnv(env) !== undefined) return true;
  return baseUrlFromEnv(env) !== undefined && modelFromEnv(env) !== undefined;
}

/** A second line for a half-done set-up (one of the two LLAMBO_* variables set), else undefined. */
export function partialEnvHint(env: NodeJS.ProcessEnv): string | undefined {
  if (endpointConfiguredByEnv(env)) return undefined;
  if (baseUrlFromEnv(env) !== undefined) return `  (${BASE_URL_ENV} is set but ${MODEL_ENV} is not: set both to run LLAMBO on that server)`;
  if (modelFromEnv(env) !== undefined) return `  (${MODEL_ENV} is set but ${BASE_URL_ENV} is not: set both, or ${API_KEY_ENV} for OpenAI)`;
  return undefined;
}
