/**
 * LLM requests totalled per component (warmstart, sampler, surrogate, repair) and overall, with the
 * latency the study's tally does not keep: the report's LLM table. Constant work per event.
 */
import type { LlmCallEvent, StudyEvent } from '../events/studyEvents';

export interface LlmComponentTotal {
  calls: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  usd: number;
  latencySeconds: number;
  /** Requests with any problem reading the reply. */
  parseFailures: number;
  errors: number;
}

export class LlmComponentTotals {
  /** Per component, in order of each component's first call. */
  readonly byComponent = new Map<LlmCallEvent['component'], LlmComponentTotal>();
  readonly total = emptyTotal();

  add(event: StudyEvent): void {
    if (event.type !== 'llmCall') return;
    let row = this.byComponent.get(event.component);
    if (!row) this.byComponent.set(event.component, (row = emptyTotal()));
    for (const r of [row, this.total]) {
      r.calls++;
      if (event.cacheHit) r.cacheHits++;
      r.promptTokens += event.usage?.promptTokens ?? 0;
      r.completionTokens += event.usage?.completionTokens ?? 0;
      r.usd += event.costUsd ?? 0;
      r.latencySeconds += event.latencySeconds ?? 0;
      if (event.parseFailures && event.parseFailures.length > 0) r.parseFailures++;
      if (event.error !== undefined) r.errors++;
    }
  }
}

function emptyTotal(): LlmComponentTotal {
  return { calls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, usd: 0, latencySeconds: 0, parseFailures: 0, errors: 0 };
}
