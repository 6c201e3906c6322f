/**
 * A cap on the bytes read from the socket for one reply. A chat reply of LLAMBO's size is a few
 * kilobytes; an endpoint that sends 20 MB (a runaway generation, a misconfigured proxy) must fail that
 * call clearly instead of being held in memory and written whole into the study's log.
 */

/** Far above any LLAMBO reply (n choices of max_tokens each), far below what hurts memory or the log. */
export const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export class ReplyTooLarge extends Error {
  override name = 'ReplyTooLarge';
  constructor(readonly limitBytes: number, readonly declaredBytes?: number) {
    super(`reply larger than the ${limitBytes}-byte limit${declaredBytes !== undefined ? ` (Content-Length ${declaredBytes})` : ''}; ` +
      'lower max_tokens or the number of choices, or check what the endpoint sends');
  }
}

/** `fetch` whose response bodies fail with ReplyTooLarge past `maxBytes` (refused at once when Content-Length says so). */
export function sizeLimitedFetch(inner: typeof globalThis.fetch, maxBytes: number = MAX_REPLY_BYTES): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new ReplyTooLarge(maxBytes, declared);
    }
    if (!response.body) return response;
    let seen = 0;
    const limited = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(new ReplyTooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }));
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** The ReplyTooLarge somewhere in an error's cause chain (the openai package wraps fetch errors). */
export function replyTooLargeIn(error: unknown): ReplyTooLarge | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof ReplyTooLarge) return e;
  }
  return undefined;
}
