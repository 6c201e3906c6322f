/**
 * Append-only JSONL store of LLM replies, keyed by the request hash and its occurrence (the n-th time
 * the same request was made), so a study that asks the same prompt several times for several samples
 * replays each sample in order. Each entry is written as one whole line by one appendFileSync call, so
 * only the last line can be cut by a crash: the reader (the event log's line reader) drops such a line
 * with a notice, and the first write after opening cuts it off the file before appending. Any other
 * line that is not an entry means the file was damaged or is not a reply cache: loading fails naming
 * the file and the line, instead of every request later reporting a "cache miss".
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileLines, type FileLine } from '../study/jsonlLines';
import type { CachedRequest } from './replyCacheKey';
import type { ChatRequestTag, ChatUsage, TokenLogprob } from './llmTypes';

/** A line of the reply cache that is not an entry; the message says which and what to do. */
export class ReplyCacheCorruptError extends Error {
  override name = 'ReplyCacheCorruptError';
  constructor(readonly path: string, readonly line: number, problem: string) {
    super(`the reply cache ${path} is corrupt at line ${line} (${problem}); delete the file (or point --llm-cache elsewhere) ` +
      'to record afresh, or run with --llm-cache-mode live to ignore it');
  }
}

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
  /** The number of a cut-off last line dropped on load (a crash mid-write); undefined when there was none. */
  droppedTornLine: number | undefined;

  constructor(readonly path: string) {}

  /** Reads the file if it exists; later entries for the same (key, occurrence) win. Throws ReplyCacheCorruptError. */
  load(): this {
    if (!existsSync(this.path)) return this;
    for (const line of fileLines(this.path)) {
      if (line.text.trim() === '') continue;
      const entry = this.entryOf(line);
      if (entry) this.entries.set(slot(entry.key, entry.occurrence), entry);
    }
    return this;
  }

  /** The notice for a dropped cut-off last line, worded like the event log's. */
  get droppedTornLineNotice(): string | undefined {
    return this.droppedTornLine === undefined ? undefined
      : `note: the last line (${this.droppedTornLine}) of the reply cache ${this.path} was cut off (a recording did not finish writing it); it was skipped`;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, occurrence: number): ReplyCacheEntry | undefined {
    return this.entries.get(slot(key, occurrence));
  }

  append(entry: ReplyCacheEntry): void {
    if (!this.checkedTail) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.checkedTail = true;
      cutTornTail(this.path);
    }
    appendFileSync(this.path, JSON.stringify(entry) + '\n');
    this.entries.set(slot(entry.key, entry.occurrence), entry);
  }

  private entryOf(line: FileLine): ReplyCacheEntry | undefined {
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      if (line.terminated) throw new ReplyCacheCorruptError(this.path, line.number, `not JSON: ${(error as Error).message}`);
      this.droppedTornLine = line.number;
      return undefined;
    }
    const entry = parseEntry(value);
    if (typeof entry === 'string') throw new ReplyCacheCorruptError(this.path, line.number, `not a reply cache entry: ${entry}`);
    return entry;
  }
}

function slot(key: string, occurrence: number): string {
  return `${key}#${occurrence}`;
}

/** Cuts a last line without its newline off the file, so the next entry starts on a line of its own. */
function cutTornTail(path: string): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.allocUnsafe(64 * 1024);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - tail.byteLength);
      readSync(fd, tail, 0, end - start, start);
      const newline = tail.subarray(0, end - start).lastIndexOf(0x0a);
      if (newline >= 0) {
        if (start + newline + 1 < size) truncateSync(path, start + newline + 1);
        return;
      }
      end = start;
    }
    if (size > 0) truncateSync(path, 0);
  } finally {
    closeSync(fd);
  }
}

/** The entry `value` holds, or what is wrong with it. */
function parseEntry(value: unknown): ReplyCacheEntry | string {
  if (!isRecord(value)) return 'not an object';
  if (typeof value.key !== 'string') return 'no "key"';
  if (!isRecord(value.request)) return 'no "request" object';
  if (!isRecord(value.reply)) return 'no "reply" object';
  const reply = value.reply;
  if (!Array.isArray(reply.texts) || !reply.texts.every((t) => typeof t === 'string')) return '"reply.texts" is not a list of strings';
  if (!isRecord(reply.usage) || typeof reply.usage.promptTokens !== 'number') return '"reply.usage.promptTokens" is not a number';
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
