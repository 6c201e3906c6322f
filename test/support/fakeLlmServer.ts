/**
 * Test double of the network for the LLM client: an OpenAI-compatible chat completions endpoint on
 * 127.0.0.1 with a scripted responder, so tests can inject faults (429 with or without Retry-After,
 * 5xx, hangs, malformed bodies, empty choices, connection resets) and assert on every request it
 * received. Lives under test/ and is never shipped or presented to users as an LLM.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** Serialised as the body (content-type application/json). */
  readonly json?: unknown;
  /** Sent verbatim instead of `json` (e.g. a truncated body). */
  readonly rawBody?: string;
  /** Wait before replying (real milliseconds). */
  readonly delayMs?: number;
  /** Never reply; the connection stays open until the client gives up or the server closes. */
  readonly hang?: boolean;
  /** Send the headers and half the body, then wait this long before the rest (a stalled body). */
  readonly bodyDelayMs?: number;
  /**
   * Reset the connection (TCP RST) instead of replying, after the request is recorded: what the client sees
   * when a server drops a keep-alive connection under a request (read ECONNRESET).
   */
  readonly reset?: boolean;
}

export interface RecordedRequest {
  /** 0-based arrival order. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** Parsed JSON body, or undefined when it did not parse. */
  readonly body: any;
}

export type FakeResponder = (body: any, requestIndex: number, request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeLlmHandle {
  /** e.g. http://127.0.0.1:41234/v1 */
  readonly baseUrl: string;
  /** Origin without the /v1 prefix, for Azure-style paths. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** `GET /models` requests (kept apart from `requests`, which holds the chat requests only). */
  readonly modelListRequests: { count: number };
  /** Chat requests currently being handled, and the most ever at once. */
  readonly stats: { inFlight: number; maxInFlight: number };
  setResponder(responder: FakeResponder): void;
  close(): Promise<void>;
}

export interface ChatCompletionSpec {
  readonly texts?: readonly string[];
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly cachedTokens?: number;
  readonly finishReason?: string;
  /** Per choice: tokens with their log-probabilities and alternatives. */
  readonly logprobs?: readonly (readonly { token: string; logprob: number; top?: readonly { token: string; logprob: number }[] }[])[];
  readonly model?: string;
}

/** A well-formed chat.completion body. */
export function chatCompletion(spec: ChatCompletionSpec = {}): unknown {
  const texts = spec.texts ?? ['ok'];
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: spec.model ?? 'fake-model',
    choices: texts.map((text, index) => ({
      index,
      message: { role: 'assistant', content: text, refusal: null },
      finish_reason: spec.finishReason ?? 'stop',
      logprobs: spec.logprobs?.[index]
        ? {
            content: spec.logprobs[index].map((t) => ({
              token: t.token,
              logprob: t.logprob,
              bytes: null,
              top_logprobs: (t.top ?? []).map((alt) => ({ token: alt.token, logprob: alt.logprob, bytes: null })),
            })),
          }
        : null,
    })),
    usage: {
      prompt_tokens: spec.promptTokens ?? 10,
      completion_tokens: spec.completionTokens ?? 5,
      total_tokens: (spec.promptTokens ?? 10) + (spec.completionTokens ?? 5),
      prompt_tokens_details: { cached_tokens: spec.cachedTokens ?? 0 },
    },
  };
}

/** Replies with the last message's content echoed back. */
export const echoResponder: FakeResponder = (body) => {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const last = messages.length > 0 ? String(messages[messages.length - 1].content) : '';
  return { json: chatCompletion({ texts: [`echo: ${last}`] }) };
};

export interface FakeServerOptions {
  /** What `GET /models` lists (default [FAKE_SERVER_MODEL]); null: that route answers 404, as some servers do. */
  readonly models?: readonly string[] | null;
  /** Status of `GET /models` instead of the list (e.g. 401 for a bad key). */
  readonly modelListStatus?: number;
}

/** The model the fake server lists unless told otherwise. */
export const FAKE_SERVER_MODEL = 'fake-model';

export class FakeLlmServer {
  constructor(private responder: FakeResponder = echoResponder, private readonly options: FakeServerOptions = {}) {}

  start(): Promise<FakeLlmHandle> {
    const requests: RecordedRequest[] = [];
    const modelListRequests = { count: 0 };
    const stats = { inFlight: 0, maxInFlight: 0 };
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          index: requests.length,
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          rawBody,
          body: parseJson(rawBody),
        };
        if (req.method === 'GET' && url.pathname.endsWith('/models')) {
          modelListRequests.count++;
          send(res, this.modelList());
          return;
        }
        if (req.method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
          send(res, { status: 404, json: { error: { message: `no route ${req.method} ${url.pathname}` } } });
          return;
        }
        requests.push(recorded);
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        let done = false;
        const finish = () => {
          if (!done) {
            done = true;
            stats.inFlight--;
          }
        };
        res.on('close', finish);
        Promise.resolve(this.responder(recorded.body, recorded.index, recorded))
          .then(async (reply) => {
            if (reply.hang) return;
            if (reply.reset) {
              req.socket.resetAndDestroy();
              return;
            }
            // Unref'd: a reply the client gave up on must not keep the test process alive.
            if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs).unref());
            // Counted out before the reply is written, so the client cannot see it while it still counts.
            finish();
            if (!res.destroyed) send(res, reply);
          })
          .catch((error: unknown) => {
            finish();
            send(res, { status: 500, json: { error: { message: `responder threw: ${String(error)}` } } });
          });
      });
    });
    // Idle keep-alive connections are closed by the client only (fetch does so after 4 s), as by a server with
    // a long keep-alive. Node's default (the server closes them after 5 s) races the client: when a loaded
    // machine stalls the event loop past both timers, the server resets a socket the client has just written
    // a request to; the client rightly retries that attempt (read ECONNRESET), but the responder never saw
    // it, so `requests` fell short of the client's counts. Dropped connections are scripted with `reset`.
    server.keepAliveTimeout = 0;
    return new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        const origin = `http://127.0.0.1:${port}`;
        resolve({
          baseUrl: `${origin}/v1`,
          origin,
          requests,
          modelListRequests,
          stats,
          setResponder: (responder) => {
            this.responder = responder;
          },
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections();
              server.close(() => done());
            }),
        });
      });
    });
  }

  private modelList(): FakeReply {
    const { models = [FAKE_SERVER_MODEL], modelListStatus } = this.options;
    if (modelListStatus !== undefined) return { status: modelListStatus, json: { error: { message: `scripted status ${modelListStatus}` } } };
    if (models === null) return { status: 404, json: { error: { message: 'no route GET /models' } } };
    return { json: { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'test' })) } };
  }
}

function send(res: ServerResponse, reply: FakeReply): void {
  const body = reply.rawBody ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  if (!reply.bodyDelayMs) {
    res.end(body);
    return;
  }
  const half = Math.floor(body.length / 2);
  res.write(body.slice(0, half));
  setTimeout(() => {
    if (!res.destroyed) res.end(body.slice(half));
  }, reply.bodyDelayMs).unref();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
