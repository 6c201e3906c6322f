/**
 * An event's line in events.jsonl, written straight into the log's byte buffer: byte for byte
 * JSON.stringify(event) and a newline, for the event types a study emits per result and per trial
 * (thousands per study). The writer uses JSON.stringify for everything else.
 *
 * A line is only written here for an event of exactly the shape it was written for: the same own keys
 * in the same order (JSON.stringify follows the object's key order) and values of the expected types.
 * Anything else (a key more or less, an undefined value, a string where a number belongs, a toJSON) is
 * refused (-1), and JSON.stringify writes it, so the output never differs. The unit test compares both
 * on every event of real studies, which fails as soon as the simulator changes an event's shape.
 *
 * Numbers are written without strings (see jsonNumber), and digits that come again are copied: the
 * time of the previous event (the events of one instant share it) and each trial's epoch seconds.
 */
import type {
  IncumbentChangedEvent, ProgressEvent, ResultEvent, RungCompletedEvent, StudyEvent, StudyEventDraft, TrialPausedEvent,
  TrialResumedEvent, TrialStartedEvent, TrialStoppedEvent,
} from '../events/studyEvents';
import { JSON_NUMBER_MAX_BYTES, writeJsonNumber } from './jsonNumber';

type Keys = readonly string[];
/** The bytes before each value but the type's: `{"seq":`, `,"type":"result","time":`, `,"trialId":` ... */
type Segments = readonly Uint8Array[];

const RESULT_KEYS: Keys = ['seq', 'type', 'time', 'trialId', 'epoch', 'error', 'seed', 'elapsed', 'runtime'];
const TRIAL_PAUSED_KEYS: Keys = ['seq', 'type', 'time', 'trialId', 'epoch'];
const TRIAL_STOPPED_KEYS: Keys = ['seq', 'type', 'time', 'trialId', 'epoch', 'reason'];
const TRIAL_RESUMED_KEYS: Keys = ['seq', 'type', 'time', 'trialId', 'bracket', 'fromEpoch', 'untilEpoch'];
const TRIAL_STARTED_KEYS: Keys = ['seq', 'type', 'time', 'trialId', 'arch', 'ops', 'isoClass', 'finalErrorMean', 'bracket', 'untilEpoch', 'seed'];
/** May follow TRIAL_STARTED_KEYS, in this order. */
const TRIAL_STARTED_OPTIONAL_KEYS: Keys = ['fallback', 'info'];
const FALLBACK_KEY = 1;
const INFO_KEY = 2;
const PROGRESS_KEYS: Keys = ['seq', 'type', 'time', 'fraction', 'trialsStarted', 'resultsReported', 'bestError'];
const INCUMBENT_KEYS: Keys = ['seq', 'type', 'time', 'trialId', 'epoch', 'error', 'arch'];
const RUNG_KEYS: Keys = ['seq', 'type', 'time', 'bracket', 'rung', 'level', 'ranking', 'promoted'];
const RANKING_ENTRY_KEYS: Keys = ['trialId', 'error'];
const NO_KEYS: Keys = [];

const RESULT = segments('result', RESULT_KEYS);
const TRIAL_PAUSED = segments('trialPaused', TRIAL_PAUSED_KEYS);
const TRIAL_STOPPED = segments('trialStopped', TRIAL_STOPPED_KEYS);
const TRIAL_RESUMED = segments('trialResumed', TRIAL_RESUMED_KEYS);
const TRIAL_STARTED = segments('trialStarted', [...TRIAL_STARTED_KEYS, ...TRIAL_STARTED_OPTIONAL_KEYS]);
const PROGRESS = segments('progress', PROGRESS_KEYS);
const INCUMBENT = segments('incumbentChanged', INCUMBENT_KEYS);
const RUNG = segments('rungCompleted', RUNG_KEYS);
const RANKING_FIRST = bytesOf('[{"trialId":');
const RANKING_NEXT = bytesOf(',{"trialId":');
const RANKING_ERROR = bytesOf(',"error":');
const EMPTY_RANKING = bytesOf('[]');
/** `,"reason":"completed"` ... by reason: plain words, nothing to escape. */
const STOP_REASONS: ReadonlyMap<unknown, Uint8Array> = new Map((['completed', 'notPromoted', 'budget', 'failed'] satisfies TrialStoppedEvent['reason'][])
  .map((reason) => [reason, bytesOf(`,"reason":${JSON.stringify(reason)}`)]));
const NULL = bytesOf('null');
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Trials whose epoch seconds are kept (about 200 kB of digits at most). */
const MAX_KEPT_SLOTS = 1 << 13;
const NEWLINE = 0x0a;
/** Room every line needs beside its strings, nested values and ranking: keys and up to 12 numbers. */
const FIXED_BYTES = 1024;
/** `,{"trialId":` number `,"error":` number `}`. */
const RANKING_ENTRY_MAX_BYTES = 22 + 2 * JSON_NUMBER_MAX_BYTES;

export class EventLineEncoder {
  /** The events of one instant share their time: one slot, the previous event's. */
  private readonly time = new KeptDigits(1);
  /** A trial's epoch seconds: its results' runtime (and its first epoch's elapsed time), one slot per trial. */
  private readonly epochSeconds = new KeptDigits(64);

  /**
   * Writes the event's line (JSON.stringify(event), then a newline) at `offset`, when the event has one
   * of the shapes written here and the line fits before `end`; returns the offset after the newline, or
   * -1 when the caller is to write JSON.stringify(event) (bytes written from `offset` on mean nothing).
   */
  write(event: StudyEvent, bytes: Buffer, offset: number, end: number): number {
    return typeof event.seq === 'number' ? this.line(event.seq, event, 0, bytes, offset, end) : -1;
  }

  /** The same for the event `{ seq, ...draft }`, without building it. */
  writeNumbered(seq: number, draft: StudyEventDraft, bytes: Buffer, offset: number, end: number): number {
    return this.line(seq, draft, 1, bytes, offset, end);
  }

  /** `body` is the event, its keys from keys[first] on (the draft has no seq). */
  private line(seq: number, body: StudyEvent | StudyEventDraft, first: number, bytes: Buffer, offset: number, end: number): number {
    // An event with a toJSON (a class instance, say) is whatever that returns; a line needs room.
    if (hasToJson(body) || end - offset < FIXED_BYTES) return -1;
    switch (body.type) {
      case 'result': return this.result(seq, body, first, bytes, offset);
      case 'trialPaused': return this.trialPaused(seq, body, first, bytes, offset);
      case 'trialStopped': return this.trialStopped(seq, body, first, bytes, offset);
      case 'trialStarted': return this.trialStarted(seq, body, first, bytes, offset, end);
      case 'trialResumed': return this.trialResumed(seq, body, first, bytes, offset);
      case 'progress': return this.progress(seq, body, first, bytes, offset);
      case 'incumbentChanged': return this.incumbentChanged(seq, body, first, bytes, offset, end);
      case 'rungCompleted': return this.rungCompleted(seq, body, first, bytes, offset, end);
      default: return -1;
    }
  }

  private result(seq: number, e: Omit<ResultEvent, 'seq'>, first: number, bytes: Buffer, at: number): number {
    if (optionalKeysOf(e, RESULT_KEYS, first, NO_KEYS) !== 0 || !isNumber(e.time) || !isNumber(e.trialId) || !isNumber(e.epoch) ||
      !isNumberOrNull(e.error) || !isNumber(e.seed) || !isNumber(e.elapsed) || !isNumber(e.runtime)) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, RESULT[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, RESULT[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, RESULT[2]), e.trialId);
    at = writeJsonNumber(bytes, copy(bytes, at, RESULT[3]), e.epoch);
    at = writeNumberOrNull(bytes, copy(bytes, at, RESULT[4]), e.error);
    at = writeJsonNumber(bytes, copy(bytes, at, RESULT[5]), e.seed);
    at = copy(bytes, at, RESULT[6]);
    at = e.elapsed === e.runtime ? this.epochSeconds.write(bytes, at, e.trialId, e.elapsed) : writeJsonNumber(bytes, at, e.elapsed);
    at = this.epochSeconds.write(bytes, copy(bytes, at, RESULT[7]), e.trialId, e.runtime);
    return close(bytes, at);
  }

  private trialPaused(seq: number, e: Omit<TrialPausedEvent, 'seq'>, first: number, bytes: Buffer, at: number): number {
    if (optionalKeysOf(e, TRIAL_PAUSED_KEYS, first, NO_KEYS) !== 0 || !isNumber(e.time) || !isNumber(e.trialId) || !isNumber(e.epoch)) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_PAUSED[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, TRIAL_PAUSED[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_PAUSED[2]), e.trialId);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_PAUSED[3]), e.epoch);
    return close(bytes, at);
  }

  private trialStopped(seq: number, e: Omit<TrialStoppedEvent, 'seq'>, first: number, bytes: Buffer, at: number): number {
    const reason = STOP_REASONS.get(e.reason);
    if (optionalKeysOf(e, TRIAL_STOPPED_KEYS, first, NO_KEYS) !== 0 || !isNumber(e.time) || !isNumber(e.trialId) || !isNumber(e.epoch) ||
      reason === undefined) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STOPPED[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, TRIAL_STOPPED[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STOPPED[2]), e.trialId);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STOPPED[3]), e.epoch);
    return close(bytes, copy(bytes, at, reason));
  }

  private trialResumed(seq: number, e: Omit<TrialResumedEvent, 'seq'>, first: number, bytes: Buffer, at: number): number {
    if (optionalKeysOf(e, TRIAL_RESUMED_KEYS, first, NO_KEYS) !== 0 || !isNumber(e.time) || !isNumber(e.trialId) || !isNumber(e.bracket) ||
      !isNumber(e.fromEpoch) || !isNumber(e.untilEpoch)) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_RESUMED[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, TRIAL_RESUMED[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_RESUMED[2]), e.trialId);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_RESUMED[3]), e.bracket);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_RESUMED[4]), e.fromEpoch);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_RESUMED[5]), e.untilEpoch);
    return close(bytes, at);
  }

  private trialStarted(seq: number, e: Omit<TrialStartedEvent, 'seq'>, first: number, bytes: Buffer, at: number, end: number): number {
    const optional = optionalKeysOf(e, TRIAL_STARTED_KEYS, first, TRIAL_STARTED_OPTIONAL_KEYS);
    if (optional < 0 || !isNumber(e.time) || !isNumber(e.trialId) || typeof e.arch !== 'string' || !isCounts(e.ops) || !isNumber(e.isoClass) ||
      !isNumber(e.finalErrorMean) || !isNumber(e.bracket) || !isNumber(e.untilEpoch) || !isNumber(e.seed) ||
      ((optional & FALLBACK_KEY) !== 0 && typeof e.fallback !== 'boolean')) return -1;
    const info = (optional & INFO_KEY) !== 0 ? nestedJson(e.info) : '';
    if (info === undefined || !fits(at, end, stringBytes(e.arch) + countsBytes(e.ops) + textBytes(info))) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STARTED[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, TRIAL_STARTED[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STARTED[2]), e.trialId);
    at = writeString(bytes, copy(bytes, at, TRIAL_STARTED[3]), e.arch);
    at = writeCounts(bytes, copy(bytes, at, TRIAL_STARTED[4]), e.ops);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STARTED[5]), e.isoClass);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STARTED[6]), e.finalErrorMean);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STARTED[7]), e.bracket);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STARTED[8]), e.untilEpoch);
    at = writeJsonNumber(bytes, copy(bytes, at, TRIAL_STARTED[9]), e.seed);
    if ((optional & FALLBACK_KEY) !== 0) at = copy(bytes, copy(bytes, at, TRIAL_STARTED[10]), e.fallback ? TRUE : FALSE);
    if ((optional & INFO_KEY) !== 0) at = writeText(bytes, copy(bytes, at, TRIAL_STARTED[11]), info);
    return close(bytes, at);
  }

  private progress(seq: number, e: Omit<ProgressEvent, 'seq'>, first: number, bytes: Buffer, at: number): number {
    if (optionalKeysOf(e, PROGRESS_KEYS, first, NO_KEYS) !== 0 || !isNumber(e.time) || !isNumber(e.fraction) || !isNumber(e.trialsStarted) ||
      !isNumber(e.resultsReported) || !isNumberOrNull(e.bestError)) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, PROGRESS[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, PROGRESS[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, PROGRESS[2]), e.fraction);
    at = writeJsonNumber(bytes, copy(bytes, at, PROGRESS[3]), e.trialsStarted);
    at = writeJsonNumber(bytes, copy(bytes, at, PROGRESS[4]), e.resultsReported);
    at = writeNumberOrNull(bytes, copy(bytes, at, PROGRESS[5]), e.bestError);
    return close(bytes, at);
  }

  private incumbentChanged(seq: number, e: Omit<IncumbentChangedEvent, 'seq'>, first: number, bytes: Buffer, at: number, end: number): number {
    if (optionalKeysOf(e, INCUMBENT_KEYS, first, NO_KEYS) !== 0 || !isNumber(e.time) || !isNumber(e.trialId) || !isNumber(e.epoch) ||
      !isNumber(e.error) || typeof e.arch !== 'string' || !fits(at, end, stringBytes(e.arch))) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, INCUMBENT[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, INCUMBENT[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, INCUMBENT[2]), e.trialId);
    at = writeJsonNumber(bytes, copy(bytes, at, INCUMBENT[3]), e.epoch);
    at = writeJsonNumber(bytes, copy(bytes, at, INCUMBENT[4]), e.error);
    at = writeString(bytes, copy(bytes, at, INCUMBENT[5]), e.arch);
    return close(bytes, at);
  }

  private rungCompleted(seq: number, e: Omit<RungCompletedEvent, 'seq'>, first: number, bytes: Buffer, at: number, end: number): number {
    const { ranking } = e;
    if (optionalKeysOf(e, RUNG_KEYS, first, NO_KEYS) !== 0 || !isNumber(e.time) || !isNumber(e.bracket) || !isNumber(e.rung) ||
      !isNumber(e.level) || !Array.isArray(ranking) || hasToJson(ranking)) return -1;
    for (let i = 0; i < ranking.length; i++) {
      const entry: unknown = ranking[i];
      if (typeof entry !== 'object' || entry === null || hasToJson(entry) || optionalKeysOf(entry, RANKING_ENTRY_KEYS, 0, NO_KEYS) !== 0) return -1;
      const { trialId, error } = entry as RungCompletedEvent['ranking'][number];
      if (!isNumber(trialId) || !isNumberOrNull(error)) return -1;
    }
    if (!isCounts(e.promoted) || !fits(at, end, countsBytes(e.promoted) + ranking.length * RANKING_ENTRY_MAX_BYTES)) return -1;
    at = writeJsonNumber(bytes, copy(bytes, at, RUNG[0]), seq);
    at = this.time.write(bytes, copy(bytes, at, RUNG[1]), 0, e.time);
    at = writeJsonNumber(bytes, copy(bytes, at, RUNG[2]), e.bracket);
    at = writeJsonNumber(bytes, copy(bytes, at, RUNG[3]), e.rung);
    at = writeJsonNumber(bytes, copy(bytes, at, RUNG[4]), e.level);
    at = copy(bytes, at, RUNG[5]);
    if (ranking.length === 0) at = copy(bytes, at, EMPTY_RANKING);
    for (let i = 0; i < ranking.length; i++) {
      at = writeJsonNumber(bytes, copy(bytes, at, i === 0 ? RANKING_FIRST : RANKING_NEXT), ranking[i].trialId);
      at = writeNumberOrNull(bytes, copy(bytes, at, RANKING_ERROR), ranking[i].error);
      bytes[at++] = CLOSE_BRACE;
    }
    if (ranking.length > 0) bytes[at++] = CLOSE_BRACKET;
    at = writeCounts(bytes, copy(bytes, at, RUNG[6]), e.promoted);
    return close(bytes, at);
  }

}

/**
 * -1 unless the object's own enumerable keys are keys[first..] in this order, then some of `optional` in
 * their order; else bit k set for each optional[k] present. for-in also visits inherited enumerable keys,
 * which JSON.stringify skips: such an object fails the check and goes to JSON.stringify, still right.
 */
function optionalKeysOf(object: object, keys: Keys, first: number, optional: Keys): number {
  let i = first;
  let j = 0;
  let present = 0;
  for (const key in object) {
    if (i < keys.length) {
      if (key !== keys[i++]) return -1;
      continue;
    }
    while (j < optional.length && optional[j] !== key) j++;
    if (j >= optional.length) return -1;
    present |= 1 << j++;
  }
  return i === keys.length ? present : -1;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || typeof value === 'number';
}

function writeNumberOrNull(bytes: Buffer, at: number, value: number | null): number {
  return value === null ? copy(bytes, at, NULL) : writeJsonNumber(bytes, at, value);
}

/**
 * An object or array value as JSON.stringify writes it inside the event; undefined for anything else.
 * A value with its own toJSON would be called with its key there and with '' here: left to the event's.
 */
function nestedJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || hasToJson(value)) return undefined;
  return JSON.stringify(value);
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Whether a line with `bytes` bytes beside its fixed part fits. */
function fits(at: number, end: number, bytes: number): boolean {
  return at + FIXED_BYTES + bytes <= end;
}

/** The most UTF-8 bytes a JSON text can take: 3 per UTF-16 unit. */
function textBytes(text: string): number {
  return 3 * text.length;
}

/** The most bytes a string takes as JSON: quotes, and 6 per UTF-16 unit (a \\u escape). */
function stringBytes(text: string): number {
  return 6 * text.length + 2;
}

/** An array of integers 0 <= n < 2^31 (no holes, no toJSON): the ops of a cell, promoted trial ids. */
function isCounts(value: unknown): value is readonly number[] {
  if (!Array.isArray(value) || hasToJson(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const n: unknown = value[i];
    if (!(typeof n === 'number' && (n | 0) === n && n >= 0)) return false;
  }
  return true;
}

function countsBytes(counts: readonly number[]): number {
  return 2 + 11 * counts.length;
}

function writeCounts(bytes: Uint8Array, at: number, counts: readonly number[]): number {
  bytes[at++] = OPEN_BRACKET;
  for (let i = 0; i < counts.length; i++) {
    if (i > 0) bytes[at++] = COMMA;
    at = writeJsonNumber(bytes, at, counts[i]);
  }
  bytes[at] = CLOSE_BRACKET;
  return at + 1;
}

/** A string as JSON: printable ASCII is copied between quotes; anything to escape or encode goes through JSON.stringify. */
function writeString(bytes: Buffer, at: number, text: string): number {
  bytes[at] = QUOTE;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) return writeText(bytes, at, JSON.stringify(text));
    bytes[at + 1 + i] = code;
  }
  bytes[at + 1 + text.length] = QUOTE;
  return at + 2 + text.length;
}

/**
 * Digits of numbers kept in slots (0 .. a bound) to be copied when the same number comes again: writing a
 * double's digits costs more than comparing it and copying them.
 */
class KeptDigits {
  private values: Float64Array;
  private lengths: Uint8Array;
  private digits: Uint8Array;

  constructor(slots: number) {
    this.values = new Float64Array(slots).fill(NaN);
    this.lengths = new Uint8Array(slots);
    this.digits = new Uint8Array(slots * JSON_NUMBER_MAX_BYTES);
  }

  /** Writes JSON.stringify(value) at `at`, from the slot when it holds the value; returns the offset after it. */
  write(bytes: Uint8Array, at: number, slot: number, value: number): number {
    if (!(slot >= 0 && slot < MAX_KEPT_SLOTS && (slot | 0) === slot)) return writeJsonNumber(bytes, at, value);
    if (slot >= this.values.length) this.grow(slot);
    const from = slot * JSON_NUMBER_MAX_BYTES;
    if (this.values[slot] === value) {
      const length = this.lengths[slot];
      for (let i = 0; i < length; i++) bytes[at + i] = this.digits[from + i];
      return at + length;
    }
    const end = writeJsonNumber(bytes, at, value);
    for (let i = at; i < end; i++) this.digits[from + i - at] = bytes[i];
    this.values[slot] = value;
    this.lengths[slot] = end - at;
    return end;
  }

  private grow(slot: number): void {
    const size = Math.min(MAX_KEPT_SLOTS, Math.max(2 * this.values.length, slot + 1));
    const values = new Float64Array(size).fill(NaN);
    values.set(this.values);
    const lengths = new Uint8Array(size);
    lengths.set(this.lengths);
    const digits = new Uint8Array(size * JSON_NUMBER_MAX_BYTES);
    digits.set(this.digits);
    this.values = values;
    this.lengths = lengths;
    this.digits = digits;
  }
}

/** JSON text as UTF-8: ASCII byte by byte, the rest by Buffer's encoder. */
function writeText(bytes: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return at + i + bytes.write(text.slice(i), at + i);
    bytes[at + i] = code;
  }
  return at + text.length;
}

function copy(bytes: Uint8Array, at: number, segment: Uint8Array): number {
  for (let i = 0; i < segment.length; i++) bytes[at + i] = segment[i];
  return at + segment.length;
}

function close(bytes: Uint8Array, at: number): number {
  bytes[at] = CLOSE_BRACE;
  bytes[at + 1] = NEWLINE;
  return at + 2;
}

function segments(type: string, keys: Keys): Segments {
  const out: Uint8Array[] = [];
  let text = '{';
  for (const key of keys) {
    text += `${text === '{' ? '' : ','}${JSON.stringify(key)}:`;
    if (key === 'type') {
      text += JSON.stringify(type);
      continue;
    }
    out.push(bytesOf(text));
    text = '';
  }
  return out;
}

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'utf8'));
}
