/**
 * A realistic test double of a chat model answering LLAMBO: an intended-answer source (what the "model"
 * means: which cells, which prediction per id) written out by replyDrift in the forms genuine replies
 * take. It records, per reply text, what it really proposed in the final answer, what it only named in
 * its think block, and the prediction it meant per id, so a study can check that the searcher trained
 * and scored exactly that. Test double only: never an LLM, never presented as one.
 *
 * The source is pluggable (`IntentSource`): any Replier that answers in the canonical JSON format (the
 * oracle of llmResponders, a narrow-prior responder) becomes one through `intentFromCanonicalReplier`.
 */
import type { LlmChatRequest } from '../../src/core/llambo/llmChat';
import { cellCode, NUM_EDGES, NUM_OPS, OPS, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { oracleReplier, type LlamboRequestView, type OracleSpec, type Replier } from './llmResponders';
import { driftCells, driftPredictions, type DriftedReply } from './replyDrift';

export type ReplyIntent =
  | { readonly kind: 'cells'; readonly cells: readonly Cell[] }
  | { readonly kind: 'predictions'; readonly predictions: ReadonlyMap<string, number> }
  /** Generative-surrogate labels are passed through in the canonical form (not drifted). */
  | { readonly kind: 'labels'; readonly text: string };

/** What the "model" means to answer to one request. */
export type IntentSource = (view: LlamboRequestView, request: LlmChatRequest) => ReplyIntent;

export interface RecordedReply {
  readonly kind: ReplyIntent['kind'];
  readonly form: DriftedReply['form'] | 'canonical';
  readonly think: DriftedReply['think'];
  /** Valid cells the final answer proposes. */
  readonly proposed: readonly Cell[];
  /** Cells named only in the think block (drafts the reply rejected). */
  readonly thinkOnly: readonly Cell[];
  /** Items of the final answer a careful reader refuses (unknown op), as written. */
  readonly unusable: readonly string[];
  /** Prediction meant per candidate id (surrogate replies). */
  readonly predictions: ReadonlyMap<string, number>;
}

export interface RealisticResponder {
  readonly replier: Replier;
  /** What the reply with exactly this text meant (undefined: not written by this responder). */
  recordOf(reply: string): RecordedReply | undefined;
  readonly records: ReadonlyMap<string, RecordedReply>;
}

function opIndex(name: unknown, where: string): number {
  const op = OPS.indexOf(name as (typeof OPS)[number]);
  if (op < 0) throw new Error(`${where}: ${JSON.stringify(name)} is not a canonical NB201 op name; canonical repliers must write one of ${OPS.join(', ')}`);
  return op;
}

/** Reads a reply in the asked canonical JSON format; anything else is a bug in the wrapped replier. */
export function intentFromCanonicalReplier(replier: Replier): IntentSource {
  return (view, request) => {
    const text = replier(view, request);
    if (view.kind === 'labels') return { kind: 'labels', text };
    let json: { cells?: { edges?: unknown[] }[]; predictions?: { id?: unknown; error?: unknown }[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`wrapped replier did not answer canonical JSON for a ${view.kind} request: ${text.slice(0, 120)}`);
    }
    if (view.kind === 'cells') {
      if (!Array.isArray(json.cells)) throw new Error('wrapped replier: a cells reply needs {"cells": [{"edges": [...]}]}');
      const cells = json.cells.map((c, i) => {
        if (!Array.isArray(c.edges) || c.edges.length !== NUM_EDGES) throw new Error(`wrapped replier: cell ${i} needs ${NUM_EDGES} edges`);
        return c.edges.map((name) => opIndex(name, `wrapped replier, cell ${i}`));
      });
      return { kind: 'cells', cells };
    }
    if (!Array.isArray(json.predictions)) throw new Error('wrapped replier: a predictions reply needs {"predictions": [{"id": ..., "error": ...}]}');
    const predictions = new Map<string, number>();
    for (const p of json.predictions) {
      if (typeof p.id !== 'string' || typeof p.error !== 'number') throw new Error(`wrapped replier: bad prediction ${JSON.stringify(p)}`);
      predictions.set(p.id, p.error);
    }
    return { kind: 'predictions', predictions };
  };
}

/**
 * Drafts a reasoning model names and then rejects: single-edge variants of the proposed cells that the
 * final answer does not contain and the conversation never mentioned, so they would be admissible (and
 * trainable) if a reader took them for proposals.
 */
function rejectedDrafts(cells: readonly Cell[], view: LlamboRequestView, rng: SeededRandom): Cell[] {
  const taken = new Set([...view.mentioned, ...cells.map(cellCode)]);
  const out: Cell[] = [];
  for (let tries = 0; out.length < 3 && tries < 30 && cells.length > 0; tries++) {
    const variant = rng.pick(cells).slice();
    const edge = rng.int(NUM_EDGES);
    variant[edge] = (variant[edge] + 1 + rng.int(NUM_OPS - 1)) % NUM_OPS;
    if (taken.has(cellCode(variant))) continue;
    taken.add(cellCode(variant));
    out.push(variant);
  }
  return out;
}

/** Errors are meant at the 4 decimals every form can write exactly (percent forms: 2 decimals of %). */
const meantError = (value: number) => Number(value.toFixed(4));

export function realisticResponder(source: IntentSource): RealisticResponder {
  const records = new Map<string, RecordedReply>();
  const replier: Replier = (view, request) => {
    const intent = source(view, request);
    const rng = new SeededRandom(view.hash).derive('reply-drift');
    if (intent.kind === 'labels') {
      records.set(intent.text, { kind: 'labels', form: 'canonical', think: 'none', proposed: [], thinkOnly: [], unusable: [], predictions: new Map() });
      return intent.text;
    }
    if (intent.kind === 'cells') {
      const rejected = rejectedDrafts(intent.cells, view, rng.derive('drafts'));
      const drift = driftCells(intent.cells, rejected, rng);
      records.set(drift.text, {
        kind: 'cells', form: drift.form, think: drift.think, proposed: intent.cells,
        thinkOnly: drift.think === 'none' ? [] : rejected, unusable: drift.unusable, predictions: new Map(),
      });
      return drift.text;
    }
    const predictions = new Map([...intent.predictions].map(([id, v]) => [id, meantError(v)] as const));
    const drift = driftPredictions(predictions, rng);
    records.set(drift.text, { kind: 'predictions', form: drift.form, think: drift.think, proposed: [], thinkOnly: [], unusable: [], predictions });
    return drift.text;
  };
  return { replier, recordOf: (reply) => records.get(reply), records };
}

const NAMED = (names: readonly string[]): Cell => names.map((n) => opIndex(n, 'favourite cell'));

/**
 * Strong, well-known NB201 cells a model keeps re-proposing (from the corpus replies: the best-known
 * cell, its one-edge 1x1/none/skip variants, the ResNet-like cell).
 */
export const FAVOURITE_CELLS: readonly Cell[] = [
  ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['nor_conv_1x1', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['nor_conv_3x3', 'nor_conv_1x1', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_1x1', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3'],
  ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_1x1'],
  ['nor_conv_3x3', 'none', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['skip_connect', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_3x3'],
  ['nor_conv_3x3', 'none', 'nor_conv_3x3', 'skip_connect', 'none', 'skip_connect'],
  ['nor_conv_1x1', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_1x1'],
].map(NAMED);

export interface NarrowPriorSpec {
  /** Cells the model believes are good, best first; re-proposed whether evaluated or not. */
  readonly favourites: readonly Cell[];
  /** Share of each cells answer drawn from the favourites (the rest comes from the base source). */
  readonly share: number;
}

/**
 * A narrow prior over `base`: each cells answer puts favourites first (biased to the best, with no regard
 * for what the prompt lists as evaluated, as the corpus replies do), then the base's cells. Predictions
 * and labels come from the base unchanged.
 */
export function narrowPriorIntent(base: IntentSource, spec: NarrowPriorSpec): IntentSource {
  return (view, request) => {
    const intent = base(view, request);
    if (intent.kind !== 'cells') return intent;
    const rng = new SeededRandom(view.hash).derive('narrow-prior');
    const want = Math.round(spec.share * intent.cells.length);
    const picked = new Set<number>();
    const cells: Cell[] = [];
    for (let tries = 0; cells.length < want && tries < 4 * want; tries++) {
      const u = rng.next();
      const cell = spec.favourites[Math.floor(spec.favourites.length * u * u)];
      if (picked.has(cellCode(cell))) continue;
      picked.add(cellCode(cell));
      cells.push(cell);
    }
    for (const cell of intent.cells) {
      if (cells.length >= intent.cells.length) break;
      if (!picked.has(cellCode(cell))) { picked.add(cellCode(cell)); cells.push(cell); }
    }
    return { kind: 'cells', cells };
  };
}

/** Share of each proposal reply drawn from the favourite cells (the corpus replies re-propose 3-5 of 14-20). */
export const NARROW_PRIOR_SHARE = 0.3;

/** The study double of the tests and the bench: the oracle's answers, a narrow prior over FAVOURITE_CELLS, drifting forms. */
export function narrowPriorOracleResponder(oracle: OracleSpec, share = NARROW_PRIOR_SHARE): RealisticResponder {
  return realisticResponder(narrowPriorIntent(intentFromCanonicalReplier(oracleReplier(oracle)), { favourites: FAVOURITE_CELLS, share }));
}
