/**
 * Prompt token counts. OpenAI models are counted exactly with their own BPE encoding (gpt-tokenizer:
 * o200k_base for gpt-4o / 4.1 / 4.5 / 5 / o-series / gpt-oss, cl100k_base for gpt-4 and gpt-3.5);
 * any other model gets a conservative estimate, cl100k_base × 1.25, because a prompt counted too low
 * is silently cut by the server (Ollama keeps only the last num_ctx tokens) while one counted too high
 * only shows fewer history lines. cl100k is the closer relative of the open models' tokenizers (Llama 3
 * builds on it), and on LLAMBO's prompts it counts more tokens than o200k (see the test and README).
 *
 * The encodings are loaded on first use, not at import: each costs 0.1-0.6 s and several MB of rank
 * tables, which studies without an LLM must not pay. The build keeps them out of the bundles too
 * (esbuild.mjs writes them to side files the `require` below then loads), so a process that never
 * counts a prompt does not even parse them.
 */
import type { ChatMessage } from './llmTypes';

export type TokenCountMethod = 'o200k_base' | 'cl100k_base' | 'cl100k_base×1.25';

export interface TokenCounter {
  /** How the counts are made: an exact encoding, or the estimate for non-OpenAI models. */
  readonly method: TokenCountMethod;
  /** Tokens of one piece of text. */
  count(text: string): number;
  /** Tokens a chat request's messages take in the context window, the chat framing included. */
  countMessages(messages: readonly Pick<ChatMessage, 'content'>[]): number;
  /**
   * At least what countMessages says, without loading an encoding: every BPE token holds at least one
   * byte of UTF-8, so a text has at most as many tokens as bytes (times the estimate's factor).
   */
  boundMessages(messages: readonly Pick<ChatMessage, 'content'>[]): number;
}

/** Margin on cl100k counts for models whose tokenizer we do not have. */
export const ESTIMATE_FACTOR = 1.25;
/**
 * Chat framing: OpenAI documents 3 tokens per message (<|im_start|>role ... <|im_end|>) plus 3 that
 * prime the reply; 4 per message covers servers whose templates add a separator.
 */
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_REPLY_PRIMER = 3;

type Encode = (text: string) => number;
type EncodingName = 'o200k_base' | 'cl100k_base';
const loaded = new Map<EncodingName, Encode>();

function encoding(name: EncodingName): Encode {
  let count = loaded.get(name);
  if (!count) {
    // Lazy on purpose (see the file comment); in the bundles these resolve to dist/gpt-tokenizer-*.js.
    /* eslint-disable @typescript-eslint/no-require-imports -- a lazy load of a 2 MB encoding only when it is used */
    const module = name === 'o200k_base'
      ? (require('gpt-tokenizer/encoding/o200k_base') as typeof import('gpt-tokenizer/encoding/o200k_base'))
      : (require('gpt-tokenizer/encoding/cl100k_base') as typeof import('gpt-tokenizer/encoding/cl100k_base'));
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Special-token text in a prompt ("<|endoftext|>") is counted as plain text, not refused.
    count = (text: string) => module.countTokens(text, { disallowedSpecial: new Set() });
    loaded.set(name, count);
  }
  return count;
}

/** The OpenAI encoding of a model name, or undefined for a model whose tokenizer we do not have. */
export function openAiEncodingOf(model: string): EncodingName | undefined {
  // Azure deployments and proxies often prefix the name ("openai/gpt-4o", "my-gpt-4o-mini").
  const name = model.toLowerCase().split('/').pop() ?? '';
  if (/(^|[-_.])(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[1-9]|gpt-oss|chatgpt-4o)([-_.:]|$)/.test(name)) return 'o200k_base';
  if (/(^|[-_.])(gpt-4|gpt-3\.5|gpt-35)([-_.:]|$)/.test(name)) return 'cl100k_base';
  return undefined;
}

/** The counter for a model: exact for OpenAI models, the conservative estimate otherwise. */
export function tokenCounterFor(model: string): TokenCounter {
  const exact = openAiEncodingOf(model);
  const count: Encode = exact
    ? (text) => encoding(exact)(text)
    : (text) => Math.ceil(encoding('cl100k_base')(text) * ESTIMATE_FACTOR);
  const bound: Encode = exact
    ? (text) => Buffer.byteLength(text, 'utf8')
    : (text) => Math.ceil(Buffer.byteLength(text, 'utf8') * ESTIMATE_FACTOR);
  const framed = (each: Encode) => (messages: readonly Pick<ChatMessage, 'content'>[]) =>
    messages.reduce((sum, m) => sum + TOKENS_PER_MESSAGE + each(m.content), TOKENS_PER_REPLY_PRIMER);
  return {
    method: exact ?? 'cl100k_base×1.25',
    count,
    countMessages: framed(count),
    boundMessages: framed(bound),
  };
}
