/**
 * HTTP downloads with `fetch`: whole small files, and byte ranges of large ones (Range requests, with a
 * fallback that skips bytes when a server ignores Range). Bodies stream to disk; progress is by bytes;
 * an AbortSignal cancels the transfer, and an idle timeout ends one whose host stops sending (a host that
 * accepts the connection and then hangs would otherwise keep the download waiting forever).
 */
import { open, type FileHandle } from 'node:fs/promises';

export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(message: string, readonly url: string, readonly status?: number) {
    super(message);
  }
}

/** The host sent nothing (no reply headers, or no body bytes) for `idleMs`. */
export class DownloadTimeoutError extends DownloadError {
  override name = 'DownloadTimeoutError';
  constructor(url: string, readonly host: string, readonly idleMs: number) {
    super(`${host} sent nothing for ${idleMs / 1000} s (GET ${url})`, url);
  }
}

/** How long a transfer may wait for the next bytes (reply headers or body) when not told otherwise. */
export const DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

export interface TransferOptions {
  readonly signal?: AbortSignal;
  /** Called with the bytes received so far in this transfer. */
  readonly onBytes?: (received: number) => void;
  /** Longest wait for the connection, the reply headers or the next body bytes (default 60 s). */
  readonly idleTimeoutMs?: number;
}

/**
 * One request's idle timer: it aborts the fetch when the host sends nothing for `idleMs` while we
 * wait on it (for the reply headers, then for each chunk). The caller's signal still cancels; `failure` tells the two apart.
 */
class IdleWatchdog {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;

  constructor(private readonly url: string, private readonly idleMs: number, private readonly outer?: AbortSignal) {
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
    this.rearm();
  }

  rearm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timedOut = true; this.controller.abort(); }, this.idleMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** The error to throw for a failed fetch or read: cancellation, timeout, or `otherwise`. */
  failure(otherwise: () => Error): unknown {
    if (this.outer?.aborted) return this.outer.reason;
    if (this.timedOut) return new DownloadTimeoutError(this.url, new URL(this.url).host, this.idleMs);
    return otherwise();
  }
}

interface Transfer {
  readonly response: Response;
  readonly watchdog: IdleWatchdog;
}

async function request(url: string, headers: Record<string, string>, options: TransferOptions): Promise<Transfer> {
  const watchdog = new IdleWatchdog(url, options.idleTimeoutMs ?? DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS, options.signal);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: watchdog.signal, redirect: 'follow' });
  } catch (err) {
    watchdog.stop();
    throw watchdog.failure(() => new DownloadError(`cannot reach ${url}: ${(err as Error).message}${causeText(err)}`, url));
  }
  if (!response.ok) {
    watchdog.stop();
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadError(`GET ${url} failed: HTTP ${response.status} ${response.statusText}`.trim(), url, response.status);
  }
  watchdog.stop();
  return { response, watchdog };
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause;
  return cause?.message ? ` (${cause.message})` : '';
}

/** A whole (small) file as bytes. */
export async function fetchBytes(url: string, options: TransferOptions = {}): Promise<Uint8Array> {
  const transfer = await request(url, {}, options);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of streamOf(transfer, url)) {
    chunks.push(chunk);
    received += chunk.byteLength;
    options.onBytes?.(received);
  }
  return Buffer.concat(chunks);
}

/** Bytes [start, start+length) of a remote file. */
export async function fetchRange(url: string, start: number, length: number, options: TransferOptions = {}): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let received = 0;
  await streamRange(url, start, length, options, async (chunk) => {
    out.set(chunk, received);
    received += chunk.byteLength;
  });
  return out.subarray(0, received);
}

/** Stream bytes [start, start+length) of a remote file to `file` at `filePosition`. */
export async function downloadRangeTo(url: string, start: number, length: number, file: FileHandle, filePosition: number, options: TransferOptions = {}): Promise<void> {
  let written = 0;
  await streamRange(url, start, length, options, async (chunk) => {
    await file.write(chunk, 0, chunk.byteLength, filePosition + written);
    written += chunk.byteLength;
  });
  if (written !== length) throw new DownloadError(`GET ${url}: got ${written} of ${length} bytes (connection closed early)`, url);
}

/** Stream a whole remote file to a local path. */
export async function downloadFile(url: string, path: string, options: TransferOptions = {}): Promise<number> {
  const transfer = await request(url, {}, options);
  const file = await open(path, 'w');
  let received = 0;
  try {
    for await (const chunk of streamOf(transfer, url)) {
      await file.write(chunk);
      received += chunk.byteLength;
      options.onBytes?.(received);
    }
  } finally {
    await file.close();
  }
  return received;
}

async function streamRange(url: string, start: number, length: number, options: TransferOptions, sink: (chunk: Uint8Array) => Promise<void>): Promise<void> {
  if (length <= 0) return;
  const transfer = await request(url, { Range: `bytes=${start}-${start + length - 1}` }, options);
  const { response } = transfer;
  // 206 = the server honoured Range; 200 = it sent the whole file, so skip to `start` ourselves.
  let skip = 0;
  if (response.status === 206) {
    const range = /bytes\s+(\d+)-/.exec(response.headers.get('content-range') ?? '');
    if (range && Number(range[1]) !== start) throw new DownloadError(`GET ${url}: asked for bytes from ${start}, server sent from ${range[1]}`, url, 206);
  } else {
    skip = start;
  }
  let received = 0;
  const iterator = streamOf(transfer, url);
  for await (let chunk of iterator) {
    if (skip > 0) {
      const dropped = Math.min(skip, chunk.byteLength);
      skip -= dropped;
      chunk = chunk.subarray(dropped);
    }
    if (received + chunk.byteLength > length) chunk = chunk.subarray(0, length - received);
    if (chunk.byteLength > 0) {
      await sink(chunk);
      received += chunk.byteLength;
      options.onBytes?.(received);
    }
    if (received >= length) break; // leaving the loop cancels the rest of an un-ranged body
  }
}

async function* streamOf({ response, watchdog }: Transfer, url: string): AsyncGenerator<Uint8Array> {
  if (!response.body) { watchdog.stop(); throw new DownloadError(`GET ${url}: empty response body`, url, response.status); }
  const reader = response.body.getReader();
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      // The timer runs only while waiting on the host, not while the consumer writes a chunk to disk.
      watchdog.rearm();
      try {
        result = await reader.read();
      } catch (err) {
        throw watchdog.failure(() => new DownloadError(`GET ${url}: transfer failed (${(err as Error).message})`, url));
      } finally {
        watchdog.stop();
      }
      if (result.done) return;
      yield result.value;
    }
  } finally {
    watchdog.stop();
    await reader.cancel().catch(() => undefined);
  }
}
