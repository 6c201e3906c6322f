/**
 * Surrogate replies: predicted errors per candidate id ({"predictions": [{"id": "c1", "error": 0.12}]},
 * also {"c1": 0.12}, positional lists, `## 0.12 ##`, `c1: 0.12` lines) and, for the generative
 * surrogate, 0/1 labels ({"labels": [{"id": "c1", "top": 1}]}) with the position of each label in the
 * text so its token log-probability can be looked up. Errors must lie in [0, 1]; a reply whose values
 * are all in (1, 100] or carry a % sign is read as percentages, and says so.
 */
import { extractJsonValues } from './jsonExtraction';
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

interface RawPrediction { id: string | undefined; value: unknown; accuracy: boolean }

const VALUE_KEYS = ['error', 'predicted_error', 'prediction', 'predicted', 'value', 'score', 'err', 'valid_error', 'test_error', 'top', 'label'];
const ACCURACY_KEYS = ['accuracy', 'predicted_accuracy', 'acc'];
const LIST_KEYS = ['predictions', 'errors', 'results', 'candidates', 'scores', 'values'];

export function parsePredictionsReply(text: string, ids: readonly string[]): ParsedPredictions {
  const out: ParsedPredictions = { values: new Map(), rejected: [], notes: [] };
  if (!text || !text.trim()) {
    out.notes.push('empty reply');
    return out;
  }
  const raws = rawPredictions(text, ids, out.notes);
  if (raws.length === 0) {
    out.notes.push('no predictions found in the reply');
    return out;
  }
  const numbers = raws.map((r) => toNumber(r.value));
  // A % sign is explicit; unsigned values are percentages only when all of them lie in (1, 100].
  const unsigned = numbers.filter((n) => !n.percent && Number.isFinite(n.value));
  const percentScale = unsigned.length > 0 && unsigned.every((n) => n.value > 1 && n.value <= 100);
  if (percentScale || numbers.some((n) => n.percent)) out.notes.push('values read as percentages');
  const known = new Set(ids);
  raws.forEach((raw, i) => {
    const label = raw.id ?? `#${i + 1}`;
    const { value, percent } = numbers[i];
    const text = `${label}: ${JSON.stringify(raw.value) ?? 'undefined'}`;
    if (raw.id === undefined || !known.has(raw.id)) return out.rejected.push({ text, reason: `unknown candidate id ${JSON.stringify(raw.id ?? null)}` });
    if (!Number.isFinite(value)) return out.rejected.push({ text, reason: `not a number (${String(raw.value)})` });
    let error = percent || percentScale ? value / 100 : value;
    if (raw.accuracy) error = 1 - error;
    if (error < 0 || error > 1) return out.rejected.push({ text, reason: `error ${value} out of range [0, 1]` });
    if (out.values.has(raw.id)) return out.rejected.push({ text, reason: 'duplicate id (first prediction kept)' });
    out.values.set(raw.id, error);
  });
  if (raws.some((r) => r.accuracy)) out.notes.push('accuracies converted to errors');
  const missing = ids.filter((id) => !out.values.has(id)).length;
  if (missing > 0) out.notes.push(`missing predictions for ${missing} of ${ids.length} candidates`);
  return out;
}

function rawPredictions(text: string, ids: readonly string[], notes: string[]): RawPrediction[] {
  const values = extractJsonValues(text);
  for (let i = 0; i < values.length; i++) {
    const found = fromJson(values[i], ids, notes);
    if (found.length > 0) return [...found, ...laterEntries(values.slice(i + 1), ids, found)];
  }
  const lines = [...text.matchAll(/\b(c\d+)\b\s*["']?\s*[:=]\s*["']?(-?[\d.]+%?|NaN|null)/gi)];
  if (lines.length > 0) return lines.map((m) => ({ id: m[1].toLowerCase(), value: m[2], accuracy: false }));
  const hashes = [...text.matchAll(/##\s*([^#]+?)\s*##/g)].map((m) => m[1]);
  if (hashes.length > 0) return positional(hashes, ids, notes);
  return [];
}

/**
 * Predictions for candidates not yet read, from the JSON values after the first useful one: JSON-lines
 * replies and truncated lists (whose complete entries come back as separate segments) keep every entry.
 * Only id-keyed entries count, so prose examples or echoed cells add nothing.
 */
function laterEntries(values: readonly unknown[], ids: readonly string[], found: readonly RawPrediction[]): RawPrediction[] {
  const known = new Set(ids);
  const seen = new Set(found.map((r) => r.id));
  const out: RawPrediction[] = [];
  for (const value of values) {
    if (!value || typeof value !== 'object') continue;
    const entries = Array.isArray(value)
      ? value.flatMap((item) => (item && typeof item === 'object' ? fromEntry(item as Record<string, unknown>) : []))
      : fromJson(value, ids, []);
    for (const raw of entries) {
      if (raw.id === undefined || !known.has(raw.id) || seen.has(raw.id)) continue;
      seen.add(raw.id);
      out.push(raw);
    }
  }
  return out;
}

function fromJson(value: unknown, ids: readonly string[], notes: string[]): RawPrediction[] {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return positional(value, ids, notes);
    return value.flatMap((item) => (item && typeof item === 'object' ? fromEntry(item as Record<string, unknown>) : []));
  }
  if (!value || typeof value !== 'object') return typeof value === 'number' ? positional([value], ids, notes) : [];
  const obj = value as Record<string, unknown>;
  const listKey = LIST_KEYS.find((k) => Array.isArray(obj[k]) || (obj[k] && typeof obj[k] === 'object'));
  if (listKey) return fromJson(obj[listKey], ids, notes);
  if ('id' in obj) return fromEntry(obj);
  // {"c1": 0.12, "c2": {"error": 0.3}}
  return Object.entries(obj).map(([id, v]) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const entry = fromEntry({ id, ...(v as Record<string, unknown>) });
      return entry[0] ?? { id, value: v, accuracy: false };
    }
    return { id, value: v, accuracy: false };
  });
}

function fromEntry(entry: Record<string, unknown>): RawPrediction[] {
  const id = entry.id ?? entry.candidate ?? entry.name;
  const idText = typeof id === 'string' || typeof id === 'number' ? String(id).trim() : undefined;
  const normalisedId = idText && /^\d+$/.test(idText) ? `c${idText}` : idText;
  const valueKey = VALUE_KEYS.find((k) => k in entry);
  if (valueKey) return [{ id: normalisedId, value: entry[valueKey], accuracy: false }];
  const accuracyKey = ACCURACY_KEYS.find((k) => k in entry);
  if (accuracyKey) return [{ id: normalisedId, value: entry[accuracyKey], accuracy: true }];
  return [{ id: normalisedId, value: undefined, accuracy: false }];
}

/** A bare list of numbers is accepted only when it has exactly one value per candidate. */
function positional(values: readonly unknown[], ids: readonly string[], notes: string[]): RawPrediction[] {
  if (values.length !== ids.length) {
    notes.push(`positional list of ${values.length} values for ${ids.length} candidates ignored`);
    return [];
  }
  notes.push('predictions read by position');
  return values.map((value, i) => ({ id: ids[i], value, accuracy: false }));
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
  const known = new Set(ids);
  const add = (id: string, raw: string, position: number | undefined) => {
    const label = raw === '1' || raw.toLowerCase() === 'true' ? 1 : raw === '0' || raw.toLowerCase() === 'false' ? 0 : undefined;
    if (!known.has(id)) return out.rejected.push({ text: `${id}: ${raw}`, reason: `unknown candidate id ${JSON.stringify(id)}` });
    if (label === undefined) return out.rejected.push({ text: `${id}: ${raw}`, reason: `label is not 0 or 1 (${raw})` });
    if (out.labels.has(id)) return out.rejected.push({ text: `${id}: ${raw}`, reason: 'duplicate id (first label kept)' });
    out.labels.set(id, label);
    if (position !== undefined) out.positions.set(id, position);
  };
  for (const m of text.matchAll(LABEL_PATTERN)) add(m[1], m[2], (m.index ?? 0) + m[0].length - m[2].length);
  if (out.labels.size === 0 && out.rejected.length === 0) {
    const predictions = parsePredictionsReply(text, ids);
    for (const [id, value] of predictions.values) add(id, String(value), undefined);
    if (out.labels.size > 0) out.notes.push('labels read without positions (no log-probabilities used)');
  }
  const missing = ids.filter((id) => !out.labels.has(id)).length;
  if (missing > 0) out.notes.push(`missing labels for ${missing} of ${ids.length} candidates`);
  return out;
}
