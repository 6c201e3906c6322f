/**
 * The context window a study budgets its prompts against when the user did not give one. OpenAI's
 * own endpoints (and Azure's deployments of the same models) get the model's published window; every
 * other server gets 8,192 tokens, a guess the user should replace with the server's real setting
 * (Ollama's num_ctx, vLLM's --max-model-len, LM Studio's context length, llama.cpp's --ctx-size):
 * those servers silently drop the start of a longer prompt instead of refusing it.
 */
import type { EndpointKind } from './llmTypes';

export const LOCAL_CONTEXT_WINDOW_GUESS = 8192;
/** An OpenAI model not in the table below: the window of gpt-4o, the smallest current one. */
const OPENAI_UNKNOWN_MODEL_WINDOW = 128_000;

/** Published windows (prompt + reply tokens), most specific pattern first. */
const OPENAI_WINDOWS: readonly (readonly [RegExp, number])[] = [
  [/gpt-4\.1/, 1_047_576],
  [/gpt-5[\w.-]*chat/, 128_000],
  [/gpt-5/, 400_000],
  [/o1-(mini|preview)/, 128_000],
  [/(^|[^a-z0-9])o[1-9]([^0-9]|$)/, 200_000],
  [/gpt-4o|gpt-4\.5|gpt-4-turbo|gpt-4-\d{4}-preview|chatgpt-4o/, 128_000],
  [/gpt-4-32k/, 32_768],
  [/gpt-4/, 8_192],
  [/gpt-3\.5|gpt-35/, 16_385],
];

export function defaultContextWindow(kind: EndpointKind, model: string): number {
  if (kind !== 'openai' && kind !== 'azure') return LOCAL_CONTEXT_WINDOW_GUESS;
  const name = model.toLowerCase();
  for (const [pattern, window] of OPENAI_WINDOWS) if (pattern.test(name)) return window;
  return OPENAI_UNKNOWN_MODEL_WINDOW;
}
