/**
 * The JSON shapes LLAMBO asks its replies in, as OpenAI strict-mode schemas (sent as response_format
 * where the endpoint takes it; the prompts show the same shapes for endpoints that do not). Strict
 * mode wants every property required and additionalProperties false; array lengths are not
 * constrained (minItems/maxItems are not accepted by every provider), so the parsers still check
 * six edges and one answer per id.
 */
import { EDGES, OPS } from '../nb201/searchSpace';
import type { StructuredOutput } from '../llm/llmTypes';

const EDGE_ORDER = EDGES.map(([from, to]) => `${from}->${to}`).join(', ');

function object(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

function list(items: Record<string, unknown>, description?: string): Record<string, unknown> {
  return { type: 'array', items, ...(description ? { description } : {}) };
}

/** `{"cells": [{"edges": [6 operation names]}]}` */
export const CELLS_OUTPUT: StructuredOutput = {
  name: 'cells',
  schema: object({
    cells: list(object({
      edges: list({ type: 'string', enum: [...OPS] }, `exactly ${EDGES.length} operation names, in the edge order ${EDGE_ORDER}`),
    })),
  }),
};

/** `{"predictions": [{"id": "c1", "error": 0.1234}]}` for the candidate ids of one request. */
export function predictionsOutput(ids: readonly string[]): StructuredOutput {
  return {
    name: 'predictions',
    schema: object({
      predictions: list(object({
        id: { type: 'string', enum: [...ids] },
        error: { type: 'number', description: 'predicted error, a fraction between 0 and 1' },
      }), 'one entry for every candidate id'),
    }),
  };
}

/** `{"labels": [{"id": "c1", "top": 1}]}`: the label is a digit so its token log-probability can be read. */
export function labelsOutput(ids: readonly string[]): StructuredOutput {
  return {
    name: 'labels',
    schema: object({
      labels: list(object({
        id: { type: 'string', enum: [...ids] },
        top: { type: 'integer', enum: [0, 1] },
      }), 'one entry for every candidate id'),
    }),
  };
}
