/**
 * The bootstrap intervals of a summary computed as one batch, so that they can be spread over threads
 * (a 5 x 100 comparison asks for ~550, one to two milliseconds each: most of its summary's time). A
 * first pass of the summary with `record` as its IqmCiFunction notes every interval it asks for
 * (answering NaN); `requests` holds each once (the rows and the summary ask for several of the same
 * values under the same seed); intervalsOf computes any slice of them, anywhere; once `answer` has them
 * all, a second pass with `lookup` gives exactly what bootstrapIqmCi would have, because an interval
 * depends only on its values and options: the same however the requests were split. lookup computes an
 * interval it has no answer for itself, so a second pass that asks for more than the first is still right.
 */
import { bootstrapIqmCi, type BootstrapOptions, type IqmCiFunction } from './compareStats';

/** One interval to compute (structured-cloneable: it can be posted to another thread). */
export interface IqmCiRequest {
  readonly values: Float64Array;
  readonly options: BootstrapOptions;
}

export class IqmCiBatch {
  readonly requests: IqmCiRequest[] = [];
  private readonly indexByKey = new Map<string, number>();
  /** low, high of request i at 2i, 2i + 1. */
  private intervals: Float64Array | undefined;

  /** The first pass's IqmCiFunction: notes the request, answers [NaN, NaN]. */
  readonly record: IqmCiFunction = (values, options = {}) => {
    const request = { values: Float64Array.from(values), options };
    const key = requestKey(request);
    if (!this.indexByKey.has(key)) {
      this.indexByKey.set(key, this.requests.length);
      this.requests.push(request);
    }
    return [NaN, NaN];
  };

  /** The intervals of all requests, as intervalsOf(requests, 0, requests.length) gives them. */
  answer(intervals: Float64Array): void {
    if (intervals.length !== 2 * this.requests.length) throw new Error(`IqmCiBatch: ${intervals.length / 2} intervals for ${this.requests.length} requests`);
    this.intervals = intervals;
  }

  /** The second pass's IqmCiFunction: the answered interval, else bootstrapIqmCi's. */
  readonly lookup: IqmCiFunction = (values, options = {}) => {
    const index = this.intervals && this.indexByKey.get(requestKey({ values: Float64Array.from(values), options }));
    if (index === undefined) return bootstrapIqmCi(values, options);
    return [this.intervals![2 * index], this.intervals![2 * index + 1]];
  };
}

/** The intervals of requests [from, to): low, high of each in turn. */
export function intervalsOf(requests: readonly IqmCiRequest[], from: number, to: number): Float64Array {
  const out = new Float64Array(2 * (to - from));
  for (let i = from; i < to; i++) {
    const [low, high] = bootstrapIqmCi(Array.from(requests[i].values), requests[i].options);
    out[2 * (i - from)] = low;
    out[2 * (i - from) + 1] = high;
  }
  return out;
}

/** Equal exactly when the values (to the bit, in order) and the options are. */
function requestKey({ values, options }: IqmCiRequest): string {
  const { seed, resamples, confidence } = options;
  const bits = Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  return `${typeof seed}:${String(seed)}|${String(resamples)}|${String(confidence)}|${bits}`;
}
