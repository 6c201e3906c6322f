/**
 * Append-only JSONL store of LLM replies, keyed by the request hash and its occurrence (the n-th time
 * the same request was made), so a study that asks the same prompt several times for several samples
 * replays each sample in order. Each entry is written as one whole line by one appendFileSync call;
 * a reader skips lines that do not parse (a line torn by a crash), and the first write after opening
 * a file that ends in a torn line starts a fresh line so the torn text cannot swallow the new entry.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CachedRequest } from './replyCacheKey';
import type { ChatRequestTag, ChatUsage, TokenLogprob } from './llmTypes';

export interface CachedReply {
  readonly texts: readonly string[];
  readonly finishReasons: readonly string[];
  readonly logprobs?: readonly (readonly TokenLogprob[] | null)[];
  readonly usage: ChatUsage;
  /** Characters of reasoning returned beside the answer (absent: none, or recorded before this was kept). */
  readonly reasoningChars?: number;
}

export interface ReplyCacheEntry {
  readonly v: 1;
  readonly key: string;
  readonly occurrence: number;
  readonly tag?: ChatRequestTag;
  readonly request: CachedRequest;
  readonly reply: CachedReply;
  readonly latencySeconds: number;
  readonly recordedCostUsd: number;
  readonly costKnown: boolean;
  /** ISO time of recording (wall clock; the cache is not part of the deterministic event log). */
  readonly createdAt: string;
}

export class ReplyCache {
  private readonly entries = new Map<string, ReplyCacheEntry>();
  private checkedTail = false;
  /** Lines of the file that were not valid entries when it was loaded (e.g. a torn last line). */
  skippedLines = 0;

  constructor(readonly path: string) {}

  /** Reads the file if it exists; later entries for the same (key, occurrence) win. */
  load(): this {
    if (!existsSync(this.path)) return this;
    const text = readFileSync(this.path, 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const entry = parseEntry(line);
      if (entry) this.entries.set(slot(entry.key, entry.occurrence), entry);
      else this.skippedLines++;
    }
    return this;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, occurrence: number): ReplyCacheEntry | undefined {
    return this.entries.get(slot(key, occurrence));
  }

  append(entry: ReplyCacheEntry): void {
    const line = JSON.stringify(entry) + '\n';
    if (!this.checkedTail) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.checkedTail = true;
      if (endsInTornLine(this.path)) {
        appendFileSync(this.path, '\n' + line);
        this.entries.set(slot(entry.key, entry.occurrence), entry);
        return;
      }
    }
    appendFileSync(this.path, line);
    this.entries.set(slot(entry.key, entry.occurrence), entry);
  }
}

function slot(key: string, occurrence: number): string {
  return `${key}#${occurrence}`;
}

function endsInTornLine(path: string): boolean {
  if (!existsSync(path)) return false;
  const text = readFileSync(path);
  return text.length > 0 && text[text.length - 1] !== 0x0a;
}

function parseEntry(line: string): ReplyCacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.key !== 'string' || !isRecord(value.reply) || !isRecord(value.request)) {
    return undefined;
  }
  const reply = value.reply;
  if (!Array.isArray(reply.texts) || !reply.texts.every((t) => typeof t === 'string')) return undefined;
  if (!isRecord(reply.usage) || typeof reply.usage.promptTokens !== 'number') return undefined;
  const occurrence = typeof value.occurrence === 'number' ? value.occurrence : 0;
  return {
    ...(value as unknown as ReplyCacheEntry),
    occurrence,
    latencySeconds: typeof value.latencySeconds === 'number' ? value.latencySeconds : 0,
    recordedCostUsd: typeof value.recordedCostUsd === 'number' ? value.recordedCostUsd : 0,
    costKnown: value.costKnown === true,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
