/**
 * Surrogate replies: predicted errors per candidate id and, for the generative surrogate, 0/1 labels
 * ({"labels": [{"id": "c1", "top": 1}]}) with the position of each label in the text so its token
 * log-probability can be looked up.
 *
 * Predictions are read from, in this order of preference: JSON ({"predictions": [{"id": "c1", "error":
 * 0.12}]}, {"c1": 0.12}, {"C1": {"predicted_error": 0.12}}, positional lists, JSON lines), markdown tables
 * (`| c1 | 0.12 |`, the value column chosen by its header), `id: x` / `id - x` / `id -> x` / `id = x` /
 * `**id**: x` / `- c1: x` lines, and `## 0.12 ##`. Ids may be in any case or bare numbers (`12` is c12).
 * Reasoning is blanked first and, of several complete answers, the last wins (see jsonExtraction.ts).
 *
 * Errors must lie in [0, 1]; a reply whose values are all in (1, 100] or carry a % sign is read as
 * percentages, and says so. Accuracies are converted to errors only where the reply says the numbers are
 * accuracies (a key or column named accuracy, "c1: 91% accuracy", or a sentence such as "predicted
 * accuracies"), never guessed from the magnitudes.
 */
import { answerJsonValues } from './jsonExtraction';
import { answerOfReply } from './reasoningText';
import type { RejectedItem } from './cellReplyParser';

export interface ParsedPredictions {
  readonly values: Map<string, number>;
  readonly rejected: RejectedItem[];
  readonly notes: string[];
}

export interface ParsedLabels {
  readonly labels: Map<string, 0 | 1>;
  /** Character offset of each label digit in the reply (only for labels read from the text directly). */
  readonly positions: Map<string, number>;
  readonly rejected: RejectedItem[];
  readonly notes: string[];
}

/** What the reply says a value is: named an error, named an accuracy, or not named (read as the asked error). */
type ValueKind = 'error' | 'accuracy' | 'unnamed';

interface RawPrediction { id: string | undefined; value: unknown; kind: ValueKind }

const VALUE_KEYS = ['error', 'predicted_error', 'error_rate', 'predicted_error_rate', 'prediction', 'predicted', 'value', 'score', 'err', 'valid_error', 'test_error', 'top', 'label'];
const ACCURACY_KEYS = ['accuracy', 'predicted_accuracy', 'acc', 'test_accuracy', 'valid_accuracy', 'val_accuracy'];
const LIST_KEYS = ['predictions', 'errors', 'results', 'candidates', 'scores', 'values'];
const ACCURACY_LIST_KEYS = ['accuracies', 'predicted_accuracies'];

/** Sentences that say which quantity the numbers are; "error = 1 - accuracy" says neither. */
const SAYS_ACCURACY = /\b(?:predicted|expected|estimated)\s+(?:(?:test|validation|valid|top-1)\s+)?accurac(?:y|ies)\b|\b(?:values|numbers|predictions|scores)\s+(?:are|as|show)\s+(?:the\s+)?(?:(?:test|validation)\s+)?accurac(?:y|ies)\b|\baccurac(?:y|ies)\s+(?:in\s*%|\(%\)|values|predictions|for\s+(?:each|the|every))/i;
const SAYS_ERROR = /\b(?:predicted|expected|estimated)\s+(?:(?:test|validation|valid|top-1)\s+)?errors?\b|\berrors?\s+(?:in\s*%|\(%\)|values|rates?\b)/i;

export function parsePredictionsReply(text: string, ids: readonly string[]): ParsedPredictions {
  const out: ParsedPredictions = { values: new Map(), rejected: [], notes: [] };
  if (!text || !text.trim()) {
    out.notes.push('empty reply');
    return out;
  }
  const answer = answerOfReply(text);
  out.notes.push(...answer.notes);
  const candidates = new CandidateIds(ids);
  const raws = answer.text.trim() ? rawPredictions(answer.text, candidates, out.notes) : [];
  if (raws.length === 0) {
    out.notes.push('no predictions found in the reply');
    return out;
  }
  const unnamedAre = unnamedValuesAre(answer.text, raws, out.notes);
  const numbers = raws.map((r) => toNumber(r.value));
  // A % sign is explicit; unsigned values are percentages only when all of them lie in (1, 100].
  const unsigned = numbers.filter((n) => !n.percent && Number.isFinite(n.value));
  const percentScale = unsigned.length > 0 && unsigned.every((n) => n.value > 1 && n.value <= 100);
  if (percentScale || numbers.some((n) => n.percent)) out.notes.push('values read as percentages');
  let converted = false;
  raws.forEach((raw, i) => {
    const label = raw.id ?? `#${i + 1}`;
    const { value, percent } = numbers[i];
    const text = `${label}: ${JSON.stringify(raw.value) ?? 'undefined'}`;
    if (raw.id === undefined || !candidates.has(raw.id)) return out.rejected.push({ text, reason: `unknown candidate id ${JSON.stringify(raw.id ?? null)}` });
    if (!Number.isFinite(value)) return out.rejected.push({ text, reason: `not a number (${String(raw.value)})` });
    let error = percent || percentScale ? value / 100 : value;
    const isAccuracy = raw.kind === 'accuracy' || (raw.kind === 'unnamed' && unnamedAre === 'accuracy');
    if (isAccuracy) {
      error = 1 - error;
      converted = true;
    }
    if (error < 0 || error > 1) return out.rejected.push({ text, reason: `${isAccuracy ? 'accuracy' : 'error'} ${value} out of range [0, ${percent || percentScale ? 100 : 1}]` });
    if (out.values.has(raw.id)) return out.rejected.push({ text, reason: 'duplicate id (first prediction kept)' });
    out.values.set(raw.id, error);
  });
  if (converted) out.notes.push('accuracies converted to errors');
  const missing = ids.filter((id) => !out.values.has(id)).length;
  if (missing > 0) out.notes.push(`missing predictions for ${missing} of ${ids.length} candidates`);
  return out;
}

/** Unnamed values are errors (as asked) unless the reply's text says they are accuracies, and only that. */
function unnamedValuesAre(text: string, raws: readonly RawPrediction[], notes: string[]): 'error' | 'accuracy' {
  if (!raws.some((r) => r.kind === 'unnamed') || !SAYS_ACCURACY.test(text)) return 'error';
  if (SAYS_ERROR.test(text)) {
    notes.push('the reply speaks of both errors and accuracies: values read as errors');
    return 'error';
  }
  notes.push('values read as accuracies, as the reply says');
  return 'accuracy';
}

/** The asked ids, matched in any case and from bare numbers (`12`, `C12`, `**c12**` are c12). */
class CandidateIds {
  private readonly byKey: Map<string, string>;
  private readonly asked: Set<string>;
  constructor(ids: readonly string[]) {
    this.byKey = new Map(ids.map((id) => [id.toLowerCase(), id]));
    this.asked = new Set(ids);
  }
  has(id: string): boolean {
    return this.asked.has(id);
  }
  /** The asked id a reply's id stands for, else the reply's id tidied (for the rejection). */
  canonical(raw: unknown): string | undefined {
    if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
    const tidy = String(raw).trim().replace(/^[*_`"']+|[*_`"']+$/g, '').trim().toLowerCase();
    const key = /^\d+$/.test(tidy) ? `c${tidy}` : tidy;
    return this.byKey.get(key) ?? key;
  }
  isAsked(raw: unknown): boolean {
    const id = this.canonical(raw);
    return id !== undefined && this.has(id);
  }
  get count(): number {
    return this.asked.size;
  }
  get list(): string[] {
    return [...this.asked];
  }
}

function rawPredictions(text: string, ids: CandidateIds, notes: string[]): RawPrediction[] {
  const json = answerJsonValues(text, (value) => isPredictionCollection(value, ids));
  if (json.earlierAnswers > 0) notes.push(`${json.earlierAnswers} earlier answer${json.earlierAnswers === 1 ? '' : 's'} in the reply ignored; the last one read`);
  // A value counts only if it predicts for an asked id: echoed cells and prose examples add nothing. Of
  // JSON-lines items, those without any value key are not predictions either.
  const perValue = json.values.map((value) => fromJson(value, ids, notes)).filter((raws) => raws.some((r) => r.id !== undefined && ids.has(r.id)));
  const fromValues = perValue.length === 1 ? perValue[0] : perValue.flatMap((raws) => raws.filter((r) => r.value !== undefined));
  if (fromValues.length > 0) return fromValues;
  const table = tableRows(text, ids);
  if (table.length > 0) {
    notes.push('read predictions from a markdown table');
    return table;
  }
  const lines = [...text.matchAll(PREDICTION_LINE)];
  if (lines.length > 0) {
    return lines.map((m) => ({
      id: ids.canonical(m[1]),
      value: m[3] + (m[4] ?? ''),
      kind: /^acc/i.test(m[2] ?? m[5] ?? '') ? 'accuracy' : m[2] || m[5] ? 'error' : 'unnamed',
    }));
  }
  const hashes = [...text.matchAll(/##\s*([^#]+?)\s*##/g)].map((m) => m[1]);
  if (hashes.length > 0) return positional(hashes, ids, notes);
  return [];
}

/**
 * `c12: 0.123`, `- C12 - 0.123`, `**c12**: 12.3%`, `c12 -> 0.1`, `c12 = 0.1`, `c12: error 0.1`,
 * `**c12:** 0.1`, `c12: 0.91 accuracy`. Groups: id, leading quantity word, number, %, trailing quantity word.
 */
const PREDICTION_LINE = /(?<![\w.])[*_`"']*(c\d+)[*_`"']*\s*(?::|->|\u2192|=|\u2013|-)\s*[*_`"']*\s*(?:(error|err|accuracy|acc)\s*[:=]?\s*)?[*_`"']*\s*(-?\d*\.?\d+(?:e-?\d+)?|NaN|null)\s*(%)?(?:[*_`"']*\s*(error|accuracy|acc)\b)?/gi;

/**
 * A value holding a whole answer: a predictions list or map, an id-keyed map, a list of id entries, a
 * positional list of numbers. A quoted cell (a list of op names) is none, so it cannot displace the answer.
 */
function isPredictionCollection(value: unknown, ids: CandidateIds): boolean {
  if (Array.isArray(value)) {
    return value.length > 0 && (value.every((v) => typeof v === 'number' || (typeof v === 'string' && Number.isFinite(toNumber(v).value))) ||
      value.every((v) => v !== null && typeof v === 'object' && 'id' in v));
  }
  if (!value || typeof value !== 'object') return false;
  const obj = value as Record<string, unknown>;
  if ([...LIST_KEYS, ...ACCURACY_LIST_KEYS].some((k) => obj[k] !== null && typeof obj[k] === 'object')) return true;
  return !('id' in obj) && Object.keys(obj).some((k) => ids.isAsked(k));
}

function fromJson(value: unknown, ids: CandidateIds, notes: string[], kind: ValueKind = 'unnamed'): RawPrediction[] {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return positional(value, ids, notes, kind);
    return value.flatMap((item) => (item && typeof item === 'object' ? fromEntry(item as Record<string, unknown>, ids, kind) : []));
  }
  if (!value || typeof value !== 'object') return typeof value === 'number' ? positional([value], ids, notes) : [];
  const obj = value as Record<string, unknown>;
  const accuracyKey = ACCURACY_LIST_KEYS.find((k) => obj[k] && typeof obj[k] === 'object');
  if (accuracyKey) return fromJson(obj[accuracyKey], ids, notes, 'accuracy');
  const listKey = LIST_KEYS.find((k) => obj[k] && typeof obj[k] === 'object');
  if (listKey) return fromJson(obj[listKey], ids, notes, kind);
  if ('id' in obj) return fromEntry(obj, ids, kind);
  // {"c1": 0.12, "C2": {"error": 0.3}, "3": 0.2}
  return Object.entries(obj).map(([id, v]) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const entry = fromEntry({ id, ...(v as Record<string, unknown>) }, ids, kind);
      return entry[0]?.value !== undefined ? entry[0] : { id: ids.canonical(id), value: v, kind };
    }
    return { id: ids.canonical(id), value: v, kind };
  });
}

function fromEntry(entry: Record<string, unknown>, ids: CandidateIds, kind: ValueKind): RawPrediction[] {
  const id = ids.canonical(entry.id ?? entry.candidate ?? entry.name);
  const valueKey = VALUE_KEYS.find((k) => k in entry);
  if (valueKey) return [{ id, value: entry[valueKey], kind: valueKey === 'value' || valueKey === 'score' || valueKey === 'prediction' || valueKey === 'predicted' ? kind : 'error' }];
  const accuracyKey = ACCURACY_KEYS.find((k) => k in entry);
  if (accuracyKey) return [{ id, value: entry[accuracyKey], kind: 'accuracy' }];
  return [{ id, value: undefined, kind }];
}

/** A bare list of numbers is accepted only when it has exactly one value per candidate. */
function positional(values: readonly unknown[], ids: CandidateIds, notes: string[], kind: ValueKind = 'unnamed'): RawPrediction[] {
  if (values.length !== ids.count) {
    notes.push(`positional list of ${values.length} values for ${ids.count} candidates ignored`);
    return [];
  }
  notes.push('predictions read by position');
  return ids.list.map((id, i) => ({ id, value: values[i], kind }));
}

/**
 * Markdown table rows `| c12 | 0.123 |`. The id column is the one headed id/candidate/cell/name, else the
 * first whose cells are ids; the value column is the one headed error (or prediction, value, score), else
 * the one headed accuracy (converted), else the first numeric column (read as the asked error).
 */
function tableRows(text: string, ids: CandidateIds): RawPrediction[] {
  const rows = text.split('\n')
    .filter((line) => /^\s*\|.*\|\s*$/.test(line))
    .map((line) => line.trim().slice(1, -1).split('|').map((cell) => cell.trim().replace(/^[*_`]+|[*_`]+$/g, '').trim()))
    .filter((cells) => !cells.every((c) => /^:?-{2,}:?$/.test(c)));
  if (rows.length === 0) return [];
  const looksLikeId = (cell: string) => /^c?\d+$/i.test(cell);
  const header = rows[0].some(looksLikeId) ? undefined : rows[0].map((h) => h.toLowerCase());
  const body = header ? rows.slice(1) : rows;
  const width = Math.max(...body.map((r) => r.length));
  const columns = Array.from({ length: width }, (_, c) => c);
  const idColumn = header?.findIndex((h) => /^(?:id|candidate|cell|name)\b/.test(h)) ?? -1;
  const idAt = idColumn >= 0 ? idColumn : columns.find((c) => body.every((r) => looksLikeId(r[c] ?? '')));
  if (idAt === undefined) return [];
  const isNumeric = (c: number) => c !== idAt && body.every((r) => /^-?\d*\.?\d+\s*%?$/.test(r[c] ?? ''));
  const accuracyAt = header?.findIndex((h, c) => c !== idAt && /acc/.test(h)) ?? -1;
  const errorAt = header?.findIndex((h, c) => c !== idAt && !/acc/.test(h) && /err|predict|value|score/.test(h)) ?? -1;
  const [valueAt, kind]: [number | undefined, ValueKind] = errorAt >= 0 ? [errorAt, 'error'] :
    accuracyAt >= 0 ? [accuracyAt, 'accuracy'] : [columns.find(isNumeric), 'unnamed'];
  if (valueAt === undefined) return [];
  return body.map((r) => ({ id: ids.canonical(r[idAt]), value: (r[valueAt] ?? '').replace(/\s+/g, ''), kind }));
}

function toNumber(value: unknown): { value: number; percent: boolean } {
  if (typeof value === 'number') return { value, percent: false };
  if (typeof value === 'string') {
    const t = value.trim();
    const percent = t.endsWith('%');
    const n = t === '' ? NaN : Number(percent ? t.slice(0, -1) : t);
    return { value: n, percent };
  }
  return { value: NaN, percent: false };
}

const LABEL_PATTERN = /"id"\s*:\s*"([^"]+)"\s*,\s*"(?:top|label|class)"\s*:\s*"?([01]|true|false)\b/gi;

export function parseLabelsReply(text: string, ids: readonly string[]): ParsedLabels {
  const out: ParsedLabels = { labels: new Map(), positions: new Map(), rejected: [], notes: [] };
  if (!text || !text.trim()) {
    out.notes.push('empty reply');
    return out;
  }
  const answer = answerOfReply(text);
  out.notes.push(...answer.notes);
  const known = new Set(ids);
  const add = (id: string, raw: string, position: number | undefined) => {
    const label = raw === '1' || raw.toLowerCase() === 'true' ? 1 : raw === '0' || raw.toLowerCase() === 'false' ? 0 : undefined;
    if (!known.has(id)) return out.rejected.push({ text: `${id}: ${raw}`, reason: `unknown candidate id ${JSON.stringify(id)}` });
    if (label === undefined) return out.rejected.push({ text: `${id}: ${raw}`, reason: `label is not 0 or 1 (${raw})` });
    if (out.labels.has(id)) return out.rejected.push({ text: `${id}: ${raw}`, reason: 'duplicate id (first label kept)' });
    out.labels.set(id, label);
    if (position !== undefined) out.positions.set(id, position);
  };
  for (const m of answer.text.matchAll(LABEL_PATTERN)) add(m[1], m[2], (m.index ?? 0) + m[0].length - m[2].length);
  if (out.labels.size === 0 && out.rejected.length === 0) {
    const predictions = parsePredictionsReply(answer.text, ids);
    for (const [id, value] of predictions.values) add(id, String(value), undefined);
    if (out.labels.size > 0) out.notes.push('labels read without positions (no log-probabilities used)');
  }
  const missing = ids.filter((id) => !out.labels.has(id)).length;
  if (missing > 0) out.notes.push(`missing labels for ${missing} of ${ids.length} candidates`);
  return out;
}
