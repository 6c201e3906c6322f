/**
 * Dollar cost of a reply from a per-model price table (USD per million tokens). The defaults are
 * list prices of a few common OpenAI models at the time of writing; settings override or extend them.
 */
import type { ChatUsage, EndpointKind, ModelPrice, PriceTable } from './llmTypes';

export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, cachedInputPerMTok: 0.025, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, cachedInputPerMTok: 0.005, outputPerMTok: 0.4 },
  'gpt-4.1': { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, cachedInputPerMTok: 0.1, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, cachedInputPerMTok: 0.025, outputPerMTok: 0.4 },
  'gpt-4o': { inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 },
  'o4-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 0.275, outputPerMTok: 4.4 },
  'gpt-3.5-turbo': { inputPerMTok: 0.5, outputPerMTok: 1.5 },
};

/** Endpoints that run on the user's machine: no price entry means no API dollars spent. */
const LOCAL_KINDS: ReadonlySet<EndpointKind> = new Set(['ollama', 'lmstudio', 'vllm', 'llamacpp']);

export interface CostEstimate {
  readonly usd: number;
  readonly known: boolean;
}

/** Exact name first, then without a dated snapshot suffix (gpt-4o-2024-08-06 -> gpt-4o). */
export function findPrice(table: PriceTable, model: string): ModelPrice | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const undated = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return Object.hasOwn(table, undated) ? table[undated] : undefined;
}

/** Whether a model has a price (built-in table merged with `extra`): without one no dollar budget can apply. */
export function hasKnownPrice(model: string, extra: PriceTable | undefined): boolean {
  return findPrice({ ...DEFAULT_PRICES, ...extra }, model) !== undefined;
}

export function costOf(usage: ChatUsage, price: ModelPrice): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  const cachedRate = price.cachedInputPerMTok ?? price.inputPerMTok;
  return (uncached * price.inputPerMTok + cached * cachedRate + usage.completionTokens * price.outputPerMTok) / 1e6;
}

/** Unknown model: 0 with known=false, except on local endpoints where 0 is the true API cost. */
export function estimateCost(table: PriceTable, model: string, kind: EndpointKind, usage: ChatUsage): CostEstimate {
  const price = findPrice(table, model);
  if (price) return { usd: costOf(usage, price), known: true };
  return { usd: 0, known: LOCAL_KINDS.has(kind) };
}
