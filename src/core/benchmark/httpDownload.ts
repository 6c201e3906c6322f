/**
 * HTTP downloads with `fetch`: whole small files, and byte ranges of large ones (Range requests, with a
 * fallback that skips bytes when a server ignores Range). Bodies stream to disk; progress is by bytes;
 * an AbortSignal cancels the transfer.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(message: string, readonly url: string, readonly status?: number) {
    super(message);
  }
}

export interface TransferOptions {
  readonly signal?: AbortSignal;
  /** Called with the bytes received so far in this transfer. */
  readonly onBytes?: (received: number) => void;
}

async function request(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal, redirect: 'follow' });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new DownloadError(`cannot reach ${url}: ${(err as Error).message}${causeText(err)}`, url);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadError(`GET ${url} failed: HTTP ${response.status} ${response.statusText}`.trim(), url, response.status);
  }
  return response;
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause;
  return cause?.message ? ` (${cause.message})` : '';
}

/** A whole (small) file as bytes. */
export async function fetchBytes(url: string, options: TransferOptions = {}): Promise<Uint8Array> {
  const response = await request(url, {}, options.signal);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of streamOf(response, url, options.signal)) {
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
  const response = await request(url, {}, options.signal);
  const file = await open(path, 'w');
  let received = 0;
  try {
    for await (const chunk of streamOf(response, url, options.signal)) {
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
  const response = await request(url, { Range: `bytes=${start}-${start + length - 1}` }, options.signal);
  // 206 = the server honoured Range; 200 = it sent the whole file, so skip to `start` ourselves.
  let skip = 0;
  if (response.status === 206) {
    const range = /bytes\s+(\d+)-/.exec(response.headers.get('content-range') ?? '');
    if (range && Number(range[1]) !== start) throw new DownloadError(`GET ${url}: asked for bytes from ${start}, server sent from ${range[1]}`, url, 206);
  } else {
    skip = start;
  }
  let received = 0;
  const iterator = streamOf(response, url, options.signal);
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

async function* streamOf(response: Response, url: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (!response.body) throw new DownloadError(`GET ${url}: empty response body`, url, response.status);
  const reader = response.body.getReader();
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        throw new DownloadError(`GET ${url}: transfer failed (${(err as Error).message})`, url);
      }
      if (result.done) return;
      yield result.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
