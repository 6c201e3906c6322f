/**
 * What one endpoint and model accept, learnt from their refusals. A request is shaped before it is
 * sent: structured output at the response_format level still accepted (json_schema, then json_object,
 * then none), sampling parameters the model refused left out, the reply limit under the name the
 * model takes. A refusal (HTTP 400/422 whose message names the parameter and says it is not
 * supported) moves the shape one step and is remembered for the rest of the study, so a study meets
 * each refusal once. Which requests may probe is the client's business (llmClient.ts).
 */
import type { CachedRequest } from './replyCacheKey';
import type { EndpointAdaptation, EndpointKind, RefusableParameter, ResponseFormatLevel, ResponseFormatMode } from './llmTypes';
import type { AttemptFailure } from './retryPolicy';

export type TokenLimitName = 'max_tokens' | 'max_completion_tokens';
type DroppableParameter = 'temperature' | 'top_p' | 'seed' | 'logprobs';

const DROPPABLE: readonly DroppableParameter[] = ['temperature', 'top_p', 'seed', 'logprobs'];
const LEVELS: readonly ResponseFormatLevel[] = ['json_schema', 'json_object', 'text'];
/** Wording of a refusal: "Unsupported parameter", "does not support", "Extra inputs are not permitted", "Invalid parameter". */
const REFUSAL = /unsupported|not supported|does not support|unrecogni[sz]ed|unknown|not permitted|not allowed|extra (inputs|fields)|invalid|must be/i;
const NAMES: Record<Exclude<RefusableParameter, 'response_format'>, RegExp> = {
  temperature: /\btemperature\b/i,
  top_p: /\btop_p\b/i,
  seed: /\bseed\b/i,
  logprobs: /\b(top_)?logprobs\b/i,
  max_tokens: /\bmax_tokens\b/i,
  max_completion_tokens: /\bmax_completion_tokens\b/i,
};
const RESPONSE_FORMAT = /response_format|json_schema|json_object|structured output|guided_json/i;

export class EndpointCapabilities {
  private level: ResponseFormatLevel;
  private readonly dropped = new Set<DroppableParameter>();
  /** Features a reply has come back with: no request carrying only these needs to probe. */
  private readonly confirmed = new Set<string>();
  tokenLimitName: TokenLimitName;

  constructor(private readonly mode: ResponseFormatMode, kind: EndpointKind) {
    this.level = mode === 'auto' ? 'json_schema' : mode;
    // OpenAI's own APIs want max_completion_tokens (reasoning models reject max_tokens); others max_tokens.
    this.tokenLimitName = kind === 'openai' || kind === 'azure' ? 'max_completion_tokens' : 'max_tokens';
  }

  get responseFormatLevel(): ResponseFormatLevel {
    return this.level;
  }

  /** The request as this endpoint accepts it, as far as known. */
  shape(request: CachedRequest): CachedRequest {
    return shaped(request, this.level, this.dropped);
  }

  /** True when the shaped request carries something no reply has confirmed yet. */
  isUnconfirmed(sent: CachedRequest): boolean {
    return featuresOf(sent, this.tokenLimitName).some((f) => !this.confirmed.has(f));
  }

  /** A reply came back: everything the request carried is accepted. */
  confirm(sent: CachedRequest): void {
    for (const feature of featuresOf(sent, this.tokenLimitName)) this.confirmed.add(feature);
  }

  /** The level a request was sent with. */
  static levelOf(sent: CachedRequest): ResponseFormatLevel {
    return sent.response_format === undefined ? 'text' : sent.response_format === 'json_object' ? 'json_object' : 'json_schema';
  }

  /**
   * Reads a failed attempt of `sent`: when it is a refusal of something the request carried, the
   * shape moves past it and the adaptation is returned (the caller resends at once); otherwise undefined.
   */
  learn(failure: AttemptFailure, sent: CachedRequest): EndpointAdaptation | undefined {
    if (failure.reason !== 'http' || (failure.status !== 400 && failure.status !== 422)) return undefined;
    const text = `${failure.param ?? ''} ${failure.detail}`;
    if (!REFUSAL.test(text)) return undefined;
    const reason = failure.detail;
    const level = EndpointCapabilities.levelOf(sent);
    if (level !== 'text' && RESPONSE_FORMAT.test(text) && this.mode === 'auto' && level === this.level) {
      this.level = LEVELS[LEVELS.indexOf(level) + 1];
      return { parameter: 'response_format', change: `${level} -> ${this.level}`, reason, fromRecording: false };
    }
    for (const name of DROPPABLE) {
      if (!presentIn(sent, name) || this.dropped.has(name) || !NAMES[name].test(text)) continue;
      this.dropped.add(name);
      return { parameter: name, change: 'dropped', reason, fromRecording: false };
    }
    if (sent.max_tokens !== undefined && NAMES[this.tokenLimitName].test(text)) {
      const from = this.tokenLimitName;
      this.tokenLimitName = from === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
      return { parameter: from, change: `sent as ${this.tokenLimitName}`, reason, fromRecording: false };
    }
    return undefined;
  }

  /**
   * Shapes a recorded study may have sent `request` in, the current one first, then with the format
   * stepped down and refused parameters left out; used to find a reply in the cache.
   */
  recordedShapes(request: CachedRequest): { sent: CachedRequest; level: ResponseFormatLevel; drops: DroppableParameter[] }[] {
    const levels = this.mode === 'auto' ? LEVELS.slice(LEVELS.indexOf(this.level)) : [this.level];
    const droppable = DROPPABLE.filter((name) => presentIn(request, name) && !this.dropped.has(name));
    const subsets = subsetsBySize(droppable);
    const out: { sent: CachedRequest; level: ResponseFormatLevel; drops: DroppableParameter[] }[] = [];
    for (const drops of subsets) {
      for (const level of levels) {
        if (request.response_format === undefined && level !== levels[0]) continue;
        out.push({ sent: shaped(request, level, new Set([...this.dropped, ...drops])), level, drops });
      }
    }
    return out;
  }

  /** Adopts what a recorded shape implies (the recorded study was refused those), as adaptations. */
  adoptRecorded(shape: { level: ResponseFormatLevel; drops: readonly DroppableParameter[] }, hadFormat: boolean): EndpointAdaptation[] {
    const out: EndpointAdaptation[] = [];
    const reason = 'the reply cache holds this request only in this shape';
    if (hadFormat && shape.level !== this.level) {
      out.push({ parameter: 'response_format', change: `${this.level} -> ${shape.level}`, reason, fromRecording: true });
      this.level = shape.level;
    }
    for (const name of shape.drops) {
      this.dropped.add(name);
      out.push({ parameter: name, change: 'dropped', reason, fromRecording: true });
    }
    return out;
  }
}

function shaped(request: CachedRequest, level: ResponseFormatLevel, dropped: ReadonlySet<DroppableParameter>): CachedRequest {
  const format = request.response_format === undefined || level === 'text' ? undefined
    : level === 'json_object' ? 'json_object' as const : request.response_format;
  return {
    ...request,
    response_format: format,
    temperature: dropped.has('temperature') ? undefined : request.temperature,
    top_p: dropped.has('top_p') ? undefined : request.top_p,
    seed: dropped.has('seed') ? undefined : request.seed,
    logprobs: dropped.has('logprobs') ? undefined : request.logprobs,
    top_logprobs: dropped.has('logprobs') ? undefined : request.top_logprobs,
  };
}

function presentIn(request: CachedRequest, name: DroppableParameter): boolean {
  return request[name] !== undefined;
}

function featuresOf(sent: CachedRequest, tokenLimitName: TokenLimitName): string[] {
  const level = EndpointCapabilities.levelOf(sent);
  const features: string[] = level === 'text' ? [] : [`response_format:${level}`];
  for (const name of DROPPABLE) if (presentIn(sent, name)) features.push(name);
  if (sent.max_tokens !== undefined) features.push(tokenLimitName);
  return features;
}

function subsetsBySize<T>(items: readonly T[]): T[][] {
  const all: T[][] = [[]];
  for (const item of items) for (const subset of all.slice()) all.push([...subset, item]);
  return all.sort((a, b) => a.length - b.length);
}
