/**
 * Scripted stand-ins for an LLM that answer LLAMBO's prompts in the requested JSON formats, by reading
 * the prompt (its candidate lines, history lines, counts). Test doubles only:
 * - oracle: proposes cells from a given list of good cells and predicts errors from a truth function;
 * - noise: proposes random valid cells and predicts uniform random errors.
 * Replies depend only on the request content (not on arrival order), so concurrent runs are repeatable.
 */
import type { ChatMessage, LlmChat, LlmChatRequest, LlmChatResult } from '../../src/core/llambo/llmChat';
import { parseOpName } from '../../src/core/nb201/opAliases';
import { cellCode, cellFromCode, NUM_CELLS, OPS, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { chatCompletion, type FakeResponder } from './fakeLlmServer';

export type LlamboRequestKind = 'cells' | 'predictions' | 'labels';

export interface LlamboRequestView {
  readonly kind: LlamboRequestKind;
  /** Cells asked for (proposal requests). */
  readonly count: number;
  readonly candidates: readonly { id: string; cell: Cell }[];
  /** Every cell written anywhere in the conversation (history, earlier replies, exclusions), as a JSON list or six op names in a row. */
  readonly mentioned: ReadonlySet<number>;
  /** Epoch the prompt compares at (undefined for warm start). */
  readonly level?: number;
  /** Generative prompts: error at the edge of the top group. */
  readonly threshold?: number;
  /** Hash of the request content, to seed replies. */
  readonly hash: string;
}

const OP_LIST = /\[\s*("[^"\]]*"\s*(?:,\s*"[^"\]]*"\s*){5})\]/g;
const CANDIDATE = /\{"id": "(c\d+)", "edges": (\[[^\]]*\])\}/g;

function listToCell(list: string): Cell | undefined {
  const names = [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const ops = names.map((n) => parseOpName(n));
  return ops.length === 6 && ops.every((o) => o !== undefined) ? (ops as number[]) : undefined;
}

/** Cells written as six op names in a row, as in the sampler's compact history lines (`conv3x3 skip none ... | 1: 0.5`). */
function cellsInWords(text: string): Cell[] {
  const cells: Cell[] = [];
  for (const line of text.split('\n')) {
    const ops = line.split(/[\s,|:]+/).map((w) => parseOpName(w));
    for (let i = 0; i + 6 <= ops.length; i++) {
      const window = ops.slice(i, i + 6);
      if (window.every((o) => o !== undefined)) cells.push(window as number[]);
    }
  }
  return cells;
}

/** What a LLAMBO request asks, read from its messages. */
export function readLlamboRequest(messages: readonly ChatMessage[], seed?: number): LlamboRequestView {
  const last = messages[messages.length - 1]?.content ?? '';
  const kind: LlamboRequestKind = last.includes('{"predictions":') ? 'predictions' : last.includes('{"labels":') ? 'labels' : 'cells';
  const mentioned = new Set<number>();
  for (const m of messages) {
    if (m.role === 'system') continue;
    for (const match of m.content.matchAll(OP_LIST)) {
      const cell = listToCell(match[0]);
      if (cell) mentioned.add(cellCode(cell));
    }
    for (const cell of cellsInWords(m.content)) mentioned.add(cellCode(cell));
  }
  const candidates = [...last.matchAll(CANDIDATE)].map((m) => ({ id: m[1], cell: listToCell(m[2]) as Cell }));
  const count = Number(/Propose (\d+)/.exec(last)?.[1] ?? 0);
  const level = /at epoch (\d+)/.exec(last)?.[1];
  const threshold = /error at most ([\d.]+)/.exec(last)?.[1];
  return {
    kind, count, candidates, mentioned,
    ...(level ? { level: Number(level) } : {}),
    ...(threshold ? { threshold: Number(threshold) } : {}),
    hash: `${seed ?? ''}|${messages.map((m) => m.content).join('\u0000')}`,
  };
}

const opsJson = (cell: Cell) => `[${cell.map((op) => `"${OPS[op]}"`).join(', ')}]`;
const cellsReply = (cells: readonly Cell[]) => `{"cells": [${cells.map((c) => `{"edges": ${opsJson(c)}}`).join(', ')}]}`;

export interface OracleSpec {
  /** True error of a cell at a level (epoch); e.g. the benchmark's seed-mean error. */
  readonly truth: (cell: Cell, level: number) => number;
  /** Cells to propose, best first. */
  readonly goodCells: readonly Cell[];
  /** Level used when the prompt names none (default 200). */
  readonly defaultLevel?: number;
}

/** Knows the answers: proposes unmentioned good cells (biased to the best, then random cells), predicts the truth. */
export function oracleReply(view: LlamboRequestView, spec: OracleSpec): string {
  const level = view.level ?? spec.defaultLevel ?? 200;
  if (view.kind === 'predictions') {
    return `{"predictions": [${view.candidates.map((c) => `{"id": "${c.id}", "error": ${spec.truth(c.cell, level).toFixed(4)}}`).join(', ')}]}`;
  }
  if (view.kind === 'labels') {
    const threshold = view.threshold ?? 0;
    return `{"labels": [${view.candidates.map((c) => `{"id": "${c.id}", "top": ${spec.truth(c.cell, level) <= threshold ? 1 : 0}}`).join(', ')}]}`;
  }
  const out: Cell[] = [];
  const used = new Set(view.mentioned);
  const rng = new SeededRandom(view.hash);
  // Draws from the good cells with a bias to the best (index ~ n * u^2), so concurrent requests differ
  // but still overlap, as sampled LLM replies do.
  const good = spec.goodCells;
  for (let tries = 0; out.length < view.count && tries < 20 * view.count && good.length > 0; tries++) {
    const u = rng.next();
    const cell = good[Math.floor(good.length * u * u)];
    if (used.has(cellCode(cell))) continue;
    used.add(cellCode(cell));
    out.push(cell);
  }
  while (out.length < view.count) {
    const cell = cellFromCode(rng.int(NUM_CELLS));
    if (!used.has(cellCode(cell))) { used.add(cellCode(cell)); out.push(cell); }
  }
  return cellsReply(out);
}

/** Knows nothing: random valid cells, uniform random errors in [0.05, 0.95], random labels. */
export function noiseReply(view: LlamboRequestView): string {
  const rng = new SeededRandom(view.hash);
  if (view.kind === 'predictions') {
    return `{"predictions": [${view.candidates.map((c) => `{"id": "${c.id}", "error": ${(0.05 + 0.9 * rng.next()).toFixed(4)}}`).join(', ')}]}`;
  }
  if (view.kind === 'labels') {
    return `{"labels": [${view.candidates.map((c) => `{"id": "${c.id}", "top": ${rng.next() < 0.25 ? 1 : 0}}`).join(', ')}]}`;
  }
  return cellsReply(Array.from({ length: view.count }, () => cellFromCode(rng.int(NUM_CELLS))));
}

export type Replier = (view: LlamboRequestView, request: LlmChatRequest) => string;

export interface FakeChatOptions {
  /** Latency recorded with each reply (default 1.5 s). */
  readonly latencySeconds?: number | ((view: LlamboRequestView) => number);
  /** Throw this instead of replying, for request numbers (0-based) it returns an error for. */
  readonly failWith?: (requestIndex: number, view: LlamboRequestView) => Error | undefined;
  /** Real milliseconds to wait before answering (to shuffle completion order). */
  readonly delayMs?: (requestIndex: number, view: LlamboRequestView) => number;
}

/** A plain `LlmChat` function around a replier; records every request it got. */
export function fakeChat(replier: Replier, options: FakeChatOptions = {}): LlmChat & { requests: LlmChatRequest[] } {
  const requests: LlmChatRequest[] = [];
  const chat = async (request: LlmChatRequest): Promise<LlmChatResult> => {
    const index = requests.length;
    requests.push(request);
    const view = readLlamboRequest(request.messages, request.seed);
    const delay = options.delayMs?.(index, view) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = options.failWith?.(index, view);
    if (failure) throw failure;
    const n = request.n ?? 1;
    const texts = Array.from({ length: n }, (_, i) => replier(i === 0 ? view : { ...view, hash: `${view.hash}#${i}` }, request));
    const latency = typeof options.latencySeconds === 'function' ? options.latencySeconds(view) : options.latencySeconds ?? 1.5;
    const promptChars = request.messages.reduce((a, m) => a + m.content.length, 0);
    return {
      texts,
      usage: { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil(texts.join('').length / 4), cachedTokens: 0 },
      latencySeconds: latency,
      retries: 0,
      costUsd: 0,
      costKnown: true,
      cacheHit: false,
    };
  };
  return Object.assign(chat, { requests });
}

/** Token usage a server reports for a reply (default: the fixed 10 + 5 of chatCompletion). */
export type ReplyUsage = (messages: readonly ChatMessage[], texts: readonly string[]) => { promptTokens: number; completionTokens: number };

/** The same replier behind the fake OpenAI-compatible HTTP server. */
export function serverResponder(replier: Replier, usage?: ReplyUsage): FakeResponder {
  return (body) => {
    const messages: ChatMessage[] = Array.isArray(body?.messages) ? body.messages : [];
    const view = readLlamboRequest(messages, body?.seed);
    const n = Number(body?.n ?? 1);
    const request: LlmChatRequest = { messages };
    const texts = Array.from({ length: n }, (_, i) => replier(i === 0 ? view : { ...view, hash: `${view.hash}#${i}` }, request));
    return { json: chatCompletion({ texts, ...usage?.(messages, texts) }) };
  };
}

export const oracleReplier = (spec: OracleSpec): Replier => (view) => oracleReply(view, spec);
export const noiseReplier: Replier = (view) => noiseReply(view);
