/**
 * The study's LLM calls for the panel: short summaries for the list (sent with the model), the full
 * prompt and reply of one call (sent on request: a LLAMBO study's transcript runs to megabytes), a
 * case-insensitive search over every prompt and reply, and the link from calls to the trials whose
 * cells they proposed or scored.
 */
import type { LlmCallEvent } from '../events/studyEvents';
import { yieldFromParsed, type ProposalYield } from '../llambo/proposalYield';

/** What the LLM calls list shows without the (long) prompt and reply, which the host sends on request. */
export interface LlmCallSummary {
  readonly callId: string;
  readonly seq: number;
  readonly time: number;
  readonly component: string;
  readonly template: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  /** The prompt's tokens as LLAMBO counted them before sending, against the context window (null: not counted). */
  readonly promptFit: { readonly countedTokens: number; readonly method: string; readonly contextWindow: number; readonly maxTokens: number } | null;
  /** The response_format the request was sent with (null: not said). */
  readonly responseFormat: string | null;
  /** What this call taught the client about the endpoint, one line each. */
  readonly adaptations: readonly string[];
  readonly latencySeconds: number | null;
  readonly costUsd: number | null;
  readonly cacheHit: boolean;
  readonly retries: number;
  /** Problems recorded while reading the reply; `dropped` of them are well-formed cells the searcher refused. */
  readonly parseFailures: number;
  readonly dropped: number;
  /** Proposal calls: what became of each cell the reply proposed; null for other calls and older logs. */
  readonly proposalYield: ProposalYield | null;
  readonly error: string | null;
  /** Trials whose cell this call proposed or scored. */
  readonly trialIds: readonly number[];
  /** The first characters of the reply (plain text, shown with textContent). */
  readonly preview: string;
}

/** The full text of one LLM call (answer to a request; never part of a snapshot). */
export interface LlmCallText {
  readonly callId: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly reply: string | null;
  /** The parsed value as pretty JSON text, if any. */
  readonly parsed: string | null;
  readonly parseFailures: readonly string[];
  readonly error: string | null;
}

export interface LlmSearchHit {
  readonly callId: string;
  /** Where the first match is: 'reply', 'prompt' (a message), or 'meta' (component/template). */
  readonly field: 'reply' | 'prompt' | 'meta';
  /** Text around the match (plain text). */
  readonly snippet: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const PREVIEW_CHARS = 160;
const SNIPPET_CHARS = 60;

export interface LlmSearchOptions {
  /**
   * Leave the system messages out: every call of a component shares its system prompt, so a word in
   * it matches every call and hides the calls whose own prompt or reply has it.
   */
  readonly skipSystem?: boolean;
}

export class LlmCallIndex {
  private readonly calls = new Map<string, { event: LlmCallEvent; summary: Mutable<LlmCallSummary> & { trialIds: number[] } }>();
  /** Calls changed since the last delta (new, or linked to a new trial). */
  readonly dirty = new Set<string>();
  /** Trial links that arrived before their call (kept until it comes). */
  private readonly early = new Map<string, number[]>();

  get size(): number {
    return this.calls.size;
  }

  add(event: LlmCallEvent): void {
    const usage = event.usage;
    const summary = {
      callId: event.callId, seq: event.seq, time: event.time, component: event.component, template: event.template,
      promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0, cachedTokens: usage?.cachedTokens ?? 0,
      promptFit: event.promptFit ? { ...event.promptFit } : null,
      responseFormat: event.responseFormat ?? null,
      adaptations: (event.adaptations ?? []).map((a) => `${a.parameter} ${a.change}${a.fromRecording ? ' (as recorded)' : `: ${a.reason}`}`),
      latencySeconds: event.latencySeconds ?? null, costUsd: event.costUsd ?? null, cacheHit: event.cacheHit === true,
      retries: event.retries ?? 0, parseFailures: event.parseFailures?.length ?? 0, dropped: droppedCells(event.parsed),
      proposalYield: yieldFromParsed(event.parsed) ?? null,
      error: event.error ?? null,
      trialIds: [...(event.trialIds ?? []), ...(this.early.get(event.callId) ?? [])],
      preview: (event.reply ?? '').slice(0, PREVIEW_CHARS),
    };
    this.early.delete(event.callId);
    this.calls.set(event.callId, { event, summary });
    this.dirty.add(event.callId);
  }

  /** Records that `trialId`'s cell came from these calls (trialStarted.info.callIds). */
  linkTrial(trialId: number, callIds: readonly string[]): void {
    for (const callId of callIds) {
      const call = this.calls.get(callId);
      if (!call) {
        this.early.set(callId, [...(this.early.get(callId) ?? []), trialId]);
        continue;
      }
      if (!call.summary.trialIds.includes(trialId)) {
        call.summary.trialIds.push(trialId);
        this.dirty.add(callId);
      }
    }
  }

  summary(callId: string): LlmCallSummary | undefined {
    const call = this.calls.get(callId);
    return call ? { ...call.summary, trialIds: call.summary.trialIds.slice() } : undefined;
  }

  summaries(): LlmCallSummary[] {
    return [...this.calls.keys()].map((id) => this.summary(id) as LlmCallSummary);
  }

  text(callId: string): LlmCallText | undefined {
    const event = this.calls.get(callId)?.event;
    if (!event) return undefined;
    return {
      callId, messages: event.messages.map((m) => ({ role: m.role, content: m.content })), reply: event.reply,
      parsed: event.parsed === undefined ? null : JSON.stringify(event.parsed, null, 2),
      parseFailures: event.parseFailures ?? [], error: event.error ?? null,
    };
  }

  /** Calls whose prompt, reply, component or template contains `query` (case-insensitive), in call order. */
  search(query: string, limit = 1000, options: LlmSearchOptions = {}): LlmSearchHit[] {
    const needle = query.trim().toLowerCase();
    if (needle === '') return [];
    const hits: LlmSearchHit[] = [];
    for (const { event } of this.calls.values()) {
      const hit = findIn(event, needle, options.skipSystem === true);
      if (hit) hits.push(hit);
      if (hits.length >= limit) break;
    }
    return hits;
  }
}

/** Proposal calls count the well-formed cells they refused (duplicates...) in `parsed.dropped`; those are also listed among parseFailures. */
function droppedCells(parsed: unknown): number {
  const dropped = parsed && typeof parsed === 'object' ? (parsed as { dropped?: unknown }).dropped : undefined;
  return typeof dropped === 'number' && dropped > 0 ? dropped : 0;
}

function findIn(event: LlmCallEvent, needle: string, skipSystem: boolean): LlmSearchHit | undefined {
  if (event.reply !== null) {
    const at = event.reply.toLowerCase().indexOf(needle);
    if (at >= 0) return { callId: event.callId, field: 'reply', snippet: snippet(event.reply, at, needle.length) };
  }
  for (const message of event.messages) {
    if (skipSystem && message.role === 'system') continue;
    const at = message.content.toLowerCase().indexOf(needle);
    if (at >= 0) return { callId: event.callId, field: 'prompt', snippet: snippet(message.content, at, needle.length) };
  }
  const meta = `${event.component} ${event.template}`;
  if (meta.toLowerCase().includes(needle)) return { callId: event.callId, field: 'meta', snippet: meta };
  return undefined;
}

function snippet(text: string, at: number, length: number): string {
  const start = Math.max(0, at - SNIPPET_CHARS);
  const end = Math.min(text.length, at + length + SNIPPET_CHARS);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ')}${end < text.length ? '…' : ''}`;
}
