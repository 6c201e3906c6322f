/**
 * The check made before a LLAMBO study starts: is the endpoint there, does it take the key, does it
 * have the model? One cheap request settles it in the common case (`GET /models` listing the model,
 * as OpenAI, Ollama, LM Studio and vLLM answer); otherwise one chat completion of a single token,
 * whose error names the problem. Without it a closed port or a wrong model name runs a whole study of
 * fallback configs; with it the study does not start and the message names the URL, the model and the
 * fix. A replay-strict reply cache needs no check (it never sends a request).
 */
import { LlmClient } from './llmClient';
import { inferEndpointKind } from './endpointKind';
import { redactUrlCredentials } from './secretRedactor';
import { urlCredentials, withoutUrlCredentials } from './urlCredentials';
import type { EndpointKind } from './llmTypes';

/** Short on purpose: a server that is up answers `GET /models` in milliseconds. */
export const PREFLIGHT_TIMEOUT_MS = 5_000;

export type PreflightProblem =
  | 'refused' | 'dns' | 'timeout' | 'connection' | 'unauthorized' | 'modelNotFound' | 'noApi' | 'serverError';

/** Where the message's fix points: CLI flags and variables, or the extension's settings and commands. */
export type PreflightSurface = 'cli' | 'extension';

export interface PreflightTarget {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly azureApiVersion?: string;
  readonly endpointKind?: EndpointKind;
}

export interface PreflightOptions {
  readonly timeoutMs?: number;
  /** Test hook and proxies; defaults to the global fetch. */
  readonly fetch?: typeof globalThis.fetch;
}

export type PreflightOutcome =
  | { readonly ok: true; readonly checkedBy: 'modelList' | 'chat'; readonly note?: string }
  | {
      readonly ok: false;
      readonly problem: PreflightProblem;
      readonly status?: number;
      /** What the server or the network said (never the key). */
      readonly detail: string;
      /** Models the server listed, when it listed some and not this one. */
      readonly availableModels?: readonly string[];
    };

export type PreflightFailure = Extract<PreflightOutcome, { ok: false }>;

/** The endpoint cannot serve the study; the message says what is wrong, where, and the fix. */
export class EndpointUnusableError extends Error {
  constructor(readonly outcome: PreflightFailure, message: string) {
    super(message);
    this.name = 'EndpointUnusableError';
  }
}

/** Checks the endpoint; throws EndpointUnusableError when a study could not use it. */
export async function requireUsableEndpoint(
  target: PreflightTarget, surface: PreflightSurface, options: PreflightOptions = {},
): Promise<Extract<PreflightOutcome, { ok: true }>> {
  const outcome = await checkEndpoint(target, options);
  if (!outcome.ok) throw new EndpointUnusableError(outcome, preflightMessage(target, outcome, surface, options.timeoutMs));
  return outcome;
}

/** The outcome of the check; its details never hold the key, header values or URL credentials. */
export async function checkEndpoint(target: PreflightTarget, options: PreflightOptions = {}): Promise<PreflightOutcome> {
  return redactOutcome(await checkUnredacted(target, options), target);
}

async function checkUnredacted(target: PreflightTarget, options: PreflightOptions): Promise<PreflightOutcome> {
  const timeoutMs = options.timeoutMs ?? PREFLIGHT_TIMEOUT_MS;
  const kind = target.endpointKind ?? inferEndpointKind(target.baseUrl, target.azureApiVersion);
  // Azure's /models lists base models, not the deployment the requests name: only a chat tells.
  const listing = kind === 'azure' ? undefined : await listModels(target, timeoutMs, options.fetch ?? globalThis.fetch);
  if (listing?.kind === 'failed') return listing.outcome;
  if (listing?.kind === 'listed' && listing.models.some((id) => sameModel(id, target.model))) return { ok: true, checkedBy: 'modelList' };
  const listed = listing?.kind === 'listed' ? listing.models : undefined;
  const outcome = await probeChat(target, kind, timeoutMs, options.fetch);
  if (!outcome.ok && outcome.problem === 'modelNotFound' && listed && listed.length > 0) return { ...outcome, availableModels: listed };
  if (outcome.ok && listed) return { ...outcome, note: `"${target.model}" is not in the server's model list, but it answered a chat request` };
  return outcome;
}

type Listing =
  | { readonly kind: 'listed'; readonly models: readonly string[] }
  | { readonly kind: 'unlisted' }
  | { readonly kind: 'failed'; readonly outcome: PreflightFailure };

async function listModels(target: PreflightTarget, timeoutMs: number, fetchFn: typeof globalThis.fetch): Promise<Listing> {
  let response: Response;
  let text: string;
  try {
    const { url: base, basicAuthorization } = withoutUrlCredentials(target.baseUrl);
    const url = new URL(`${base.replace(/\/+$/, '')}/models`);
    const authorization = target.apiKey ? `Bearer ${target.apiKey}` : basicAuthorization;
    response = await fetchFn(url, {
      headers: { ...target.headers, ...(authorization ? { authorization } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    return { kind: 'failed', outcome: networkFailure(error, timeoutMs) };
  }
  if (response.status === 401 || response.status === 403) {
    return { kind: 'failed', outcome: { ok: false, problem: 'unauthorized', status: response.status, detail: serverMessage(text) } };
  }
  if (!response.ok) return { kind: 'unlisted' };
  const models = modelIds(text);
  return models === undefined ? { kind: 'unlisted' } : { kind: 'listed', models };
}

/** One chat completion of one token, through the study's own client (same headers, key, Azure paths). */
async function probeChat(target: PreflightTarget, kind: EndpointKind, timeoutMs: number, fetchFn: typeof globalThis.fetch | undefined): Promise<PreflightOutcome> {
  const client = new LlmClient({
    baseUrl: target.baseUrl, model: target.model, apiKey: target.apiKey, headers: target.headers ? { ...target.headers } : undefined,
    azureApiVersion: target.azureApiVersion, endpointKind: kind, timeoutMs, maxRetries: 0, concurrency: 1,
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
  try {
    await client.chat({ messages: [{ role: 'user', content: 'Reply with OK.' }], maxTokens: 1, temperature: 0, tag: { component: 'preflight' } });
    return { ok: true, checkedBy: 'chat' };
  } catch (error) {
    return chatFailure(error, timeoutMs);
  }
}

/** Failures of the probe, read from the client's LlmRequestFailed (reason, status, message). */
function chatFailure(error: unknown, timeoutMs: number): PreflightOutcome {
  const { reason, status } = error as { reason?: unknown; status?: unknown };
  // The message says "HTTP 404: ..." itself; the status is kept apart.
  const detail = error instanceof Error ? error.message.replace(/^LLM request failed after \d+ attempts?: /, '').replace(/^HTTP \d{3}: /, '') : String(error);
  if (reason === 'timeout') return { ok: false, problem: 'timeout', detail: `no reply within ${timeoutMs} ms` };
  if (reason === 'connection') return { ok: false, problem: connectionProblem(detail), detail };
  // The server answered, though not with usable text: a one-token probe may end empty or cut off.
  if (reason === 'empty') return { ok: true, checkedBy: 'chat', note: 'the server answered the one-token probe with no text' };
  if (reason === 'malformed') return { ok: false, problem: 'noApi', detail };
  if (typeof status !== 'number') return { ok: false, problem: 'connection', detail };
  if (status === 401 || status === 403) return { ok: false, problem: 'unauthorized', status, detail };
  if ((status === 404 || status === 400) && MODEL_MISSING.test(detail)) return { ok: false, problem: 'modelNotFound', status, detail };
  if (status === 404 || status === 405) return { ok: false, problem: 'noApi', status, detail };
  if (status >= 500) return { ok: false, problem: 'serverError', status, detail };
  // 400, 422, 429 ...: the server took the key and knows the model, it only disliked this tiny request.
  return { ok: true, checkedBy: 'chat', note: `the endpoint answered the one-token probe with HTTP ${status}: ${detail}` };
}

/** Ollama: `model "x" not found, try pulling it first`; vLLM / OpenAI: "The model `x` does not exist". */
const MODEL_MISSING = /model.*(not found|does not exist|not exist|not loaded|no such|unknown)|(unknown|invalid) model|model_not_found/i;

function networkFailure(error: unknown, timeoutMs: number): PreflightFailure {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { ok: false, problem: 'timeout', detail: `no reply within ${timeoutMs} ms` };
  }
  const detail = causeText(error);
  return { ok: false, problem: connectionProblem(detail), detail };
}

function connectionProblem(detail: string): PreflightProblem {
  if (/ECONNREFUSED/.test(detail)) return 'refused';
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(detail)) return 'dns';
  if (/ETIMEDOUT|timed? ?out/i.test(detail)) return 'timeout';
  return 'connection';
}

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:9", not just "fetch failed". */
function causeText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}

/** The ids of an OpenAI-style `{data: [{id}]}` list (Ollama's native `{models: [{name}]}` too), else undefined. */
function modelIds(text: string): string[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const b = body as { data?: unknown; models?: unknown };
  const entries = Array.isArray(b?.data) ? b.data : Array.isArray(b?.models) ? b.models : undefined;
  if (!entries) return undefined;
  return entries
    .map((e) => (e as { id?: unknown; name?: unknown }))
    .map((e) => (typeof e?.id === 'string' ? e.id : typeof e?.name === 'string' ? e.name : undefined))
    .filter((id): id is string => id !== undefined);
}

/** Ollama lists `llama3.1:latest` for a model pulled as `llama3.1`. */
function sameModel(listed: string, wanted: string): boolean {
  return listed === wanted || listed === `${wanted}:latest` || wanted === `${listed}:latest`;
}

function serverMessage(text: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof body.error === 'string' ? body.error : body.error?.message ?? body.message;
    if (typeof m === 'string') message = m;
  } catch {
    // Not JSON: the raw body (clipped below) says it.
  }
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/** The outcome with the key, header values and URL credentials taken out of what the server or network said. */
function redactOutcome(outcome: PreflightOutcome, target: PreflightTarget): PreflightOutcome {
  if (outcome.ok) return outcome;
  const secrets = [target.apiKey, ...Object.values(target.headers ?? {}), ...urlCredentials(target.baseUrl)]
    .filter((s): s is string => typeof s === 'string' && s.length >= 3);
  let detail = outcome.detail.split(target.baseUrl).join(redactUrlCredentials(target.baseUrl));
  for (const secret of secrets) detail = detail.split(secret).join('***');
  return { ...outcome, detail };
}

/** What is wrong, at which URL and model, and what to do about it. */
export function preflightMessage(
  target: PreflightTarget, outcome: PreflightFailure, surface: PreflightSurface, timeoutMs = PREFLIGHT_TIMEOUT_MS,
): string {
  const url = redactUrlCredentials(target.baseUrl);
  const where = `${url} (model "${target.model}")`;
  const cli = surface === 'cli';
  const baseUrlSetting = cli ? '--llm-base-url (or LLAMBO_BASE_URL)' : 'the setting llamboNas.llm.baseUrl';
  const modelSetting = cli ? '--model (or LLAMBO_MODEL)' : 'the setting llamboNas.llm.model';
  const head = 'LLM endpoint check failed, the study was not started: ';
  switch (outcome.problem) {
    case 'refused':
      return `${head}nothing accepts connections at ${where}: connection refused. Start the server ` +
        `(Ollama: "ollama serve"; LM Studio: start its local server; vLLM: "vllm serve MODEL") or point ${baseUrlSetting} at the right address.`;
    case 'dns':
      return `${head}the host of ${where} was not found (DNS: ${outcome.detail}). Check the host name in ${baseUrlSetting}.`;
    case 'timeout':
      return `${head}no answer from ${where} within ${Math.round(timeoutMs / 100) / 10} s. Check that the server is up and reachable ` +
        `(a model that is still loading: wait and start again), or fix ${baseUrlSetting}.`;
    case 'unauthorized': {
      const sent = target.apiKey ? 'refused the API key' : 'wants an API key and none was sent';
      const fix = cli ? 'Set a valid key in OPENAI_API_KEY' : 'Run "NAS: Set API key" with a valid key';
      return `${head}${where} ${sent} (HTTP ${outcome.status}: ${outcome.detail}). ${fix}.`;
    }
    case 'modelNotFound': {
      const listed = outcome.availableModels && outcome.availableModels.length > 0
        ? ` The server has: ${outcome.availableModels.slice(0, 8).join(', ')}${outcome.availableModels.length > 8 ? ', …' : ''}.` : '';
      return `${head}model "${target.model}" is not available at ${url} (HTTP ${outcome.status}: ${outcome.detail}).${listed} ` +
        `Get it (Ollama: "ollama pull ${target.model}"; LM Studio: download and load it) or set ${modelSetting} to a model the server has.`;
    }
    case 'noApi':
      return `${head}${where} does not answer as an OpenAI-compatible API (${outcome.detail}). ` +
        `The base URL usually ends in /v1, e.g. http://localhost:11434/v1; fix ${baseUrlSetting}.`;
    case 'serverError':
      return `${head}${where} answered a one-token request with HTTP ${outcome.status} (${outcome.detail}). ` +
        'Check the server\'s log (the model may have failed to load, e.g. out of memory).';
    case 'connection':
      return `${head}could not reach ${where}: ${outcome.detail}. Check ${baseUrlSetting} and the network.`;
  }
}
