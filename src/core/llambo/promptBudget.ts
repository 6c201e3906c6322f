/**
 * Keeps every LLAMBO prompt inside the model's context window (DESIGN.md section 11). Blocks that can
 * grow (the history, the surrogate's candidates) get what the window leaves after the rest of the
 * prompt, the reply's max_tokens and a safety margin, all in tokens counted by the model's tokenizer
 * (or the conservative estimate, tokenCounter.ts). The recorder checks the finished prompt again
 * before it is sent (LlmCallRecorder), so a prompt over the window is never sent: against its byte
 * bound when that clears the window (the exact count follows while the request is out), else counted.
 */
import { tokenCounterFor, type TokenCountMethod, type TokenCounter } from '../llm/tokenCounter';
import type { ChatMessage } from './llmChat';

/** What a growing block may use: `tokens` in all, each piece measured by `count`. */
export interface TokenBudget {
  readonly tokens: number;
  count(text: string): number;
}

/** Share of the window kept free: the chat template of a local server and counting drift. */
const MARGIN_SHARE = 0.03;
const MIN_MARGIN = 64;
/** At most this share of the room goes to surrogate candidates; the rest is for the history. */
const CANDIDATE_SHARE = 0.5;
/** Re-renders when the assembled prompt counts more than its pieces did. */
const FIT_ROUNDS = 4;
/** Line counts cached across requests (the same history lines recur in every prompt of a stage). */
const LINE_CACHE_LIMIT = 50_000;

export class PromptBudget {
  readonly margin: number;
  private readonly counter: TokenCounter;
  private readonly lineCounts = new Map<string, number>();

  constructor(readonly contextWindow: number, model: string) {
    if (!Number.isInteger(contextWindow) || contextWindow < 256) {
      throw new RangeError(`context window must be an integer >= 256 tokens, got ${contextWindow}`);
    }
    this.counter = tokenCounterFor(model);
    this.margin = Math.max(MIN_MARGIN, Math.round(contextWindow * MARGIN_SHARE));
  }

  get method(): TokenCountMethod {
    return this.counter.method;
  }

  /** Tokens of a prompt's messages, chat framing included. */
  promptTokens(messages: readonly ChatMessage[]): number {
    return this.counter.countMessages(messages);
  }

  /** At least promptTokens(messages), found without the tokenizer (its bytes: TokenCounter.boundMessages). */
  promptTokenBound(messages: readonly ChatMessage[]): number {
    return this.counter.boundMessages(messages);
  }

  /** Prompt tokens allowed beside a reply of `maxTokens`. */
  promptLimit(maxTokens: number): number {
    return this.contextWindow - this.margin - maxTokens;
  }

  /** A budget of `tokens` for lines joined by newlines (each line costs its tokens plus one). */
  lines(tokens: number): TokenBudget {
    return { tokens: Math.max(0, tokens), count: (text) => this.lineTokens(text) + 1 };
  }

  /**
   * The budget for a block (e.g. the history) such that `messagesWith(block)` fits beside a reply of
   * `maxTokens`: first what the prompt without the block leaves, then less by what the assembled
   * prompt counted over (pieces counted apart can count fewer than the joined text).
   */
  fitBlock<B>(maxTokens: number, render: (budget: TokenBudget) => B, messagesWith: (block: B) => readonly ChatMessage[]): TokenBudget {
    const limit = this.promptLimit(maxTokens);
    let room = limit - this.promptTokens(messagesWith(render(this.lines(0))));
    for (let round = 0; round < FIT_ROUNDS && room > 0; round++) {
      const over = this.promptTokens(messagesWith(render(this.lines(room)))) - limit;
      if (over <= 0) break;
      room -= over;
    }
    return this.lines(room);
  }

  /**
   * Candidates per surrogate request: as many as fit in half the room the prompt without history and
   * candidates leaves beside the reply (each candidate costs its line and its share of the reply),
   * never more than `maxPerRequest`, never fewer than one.
   */
  candidatesPerRequest(
    bareMessages: readonly ChatMessage[], candidateLines: readonly string[], baseReplyTokens: number, replyTokensPerCandidate: number, maxPerRequest: number,
  ): number {
    if (candidateLines.length === 0) return maxPerRequest;
    const room = this.promptLimit(baseReplyTokens) - this.promptTokens(bareMessages);
    const lineTokens = candidateLines.reduce((sum, line) => sum + this.lineTokens(line) + 1, 0) / candidateLines.length;
    const fitting = Math.floor((room * CANDIDATE_SHARE) / (lineTokens + replyTokensPerCandidate));
    return Math.max(1, Math.min(maxPerRequest, fitting));
  }

  private lineTokens(text: string): number {
    let tokens = this.lineCounts.get(text);
    if (tokens === undefined) {
      if (this.lineCounts.size >= LINE_CACHE_LIMIT) this.lineCounts.clear();
      tokens = this.counter.count(text);
      this.lineCounts.set(text, tokens);
    }
    return tokens;
  }
}

const budgets = new WeakMap<object, PromptBudget>();

/** One budget per resolved options object (the window and model do not change during a study). */
export function promptBudgetOf(options: { readonly contextWindow: number; readonly model: string }): PromptBudget {
  let budget = budgets.get(options);
  if (!budget) {
    budget = new PromptBudget(options.contextWindow, options.model);
    budgets.set(options, budget);
  }
  return budget;
}
