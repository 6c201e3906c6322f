/**
 * An NB201 cell as an SVG diagram (a string, so the panel and the exports draw the same picture).
 * Nodes 0..3 sit on a line, input left and output right; edges between neighbours are straight, the
 * longer ones arc above (0->2, 0->3) or below (1->3). Edges carry their op as a label and a class
 * (`op-nor_conv_3x3`...); `none` edges are dashed or hidden; edges and nodes off every input-to-output
 * path are greyed (`dead`); with `diffAgainst`, edges whose op differs are marked `changed`.
 * The webview colours the classes from the VS Code theme; a `palette` writes colours into the SVG
 * instead, for files that must look right outside VS Code.
 */
import { EDGES, NUM_EDGES, OPS, type Cell, type OpName } from '../nb201/searchSpace';
import { changedEdges, liveEdges, liveNodes } from './cellPaths';

export interface CellPalette {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly changed: string;
  readonly ops: Readonly<Record<OpName, string>>;
}

export interface CellDiagramOptions {
  readonly width?: number;
  readonly height?: number;
  /** A thumbnail: no labels, thin strokes, `none` edges hidden. */
  readonly compact?: boolean;
  readonly none?: 'dashed' | 'hidden';
  readonly diffAgainst?: Cell;
  /** Accessible name; defaults to a description of the edges. */
  readonly title?: string;
  readonly palette?: CellPalette;
}

/** Short op names for labels (the full name is in each edge's tooltip). */
export const OP_LABELS: Readonly<Record<OpName, string>> = {
  none: 'none', skip_connect: 'skip', nor_conv_1x1: 'conv1×1', nor_conv_3x3: 'conv3×3', avg_pool_3x3: 'pool3×3',
};

/** Colours for exported files (readable on white). */
export const LIGHT_CELL_PALETTE: CellPalette = {
  background: '#ffffff', foreground: '#1f1f1f', muted: '#a0a0a0', changed: '#d4a600',
  ops: { none: '#a0a0a0', skip_connect: '#1a85ff', nor_conv_1x1: '#388a34', nor_conv_3x3: '#d1412a', avg_pool_3x3: '#8a3fc7' },
};

const NODE_NAMES = ['in', '1', '2', 'out'];

export function cellDiagramSvg(cell: Cell, options: CellDiagramOptions = {}): string {
  const compact = options.compact ?? false;
  const width = options.width ?? (compact ? 72 : 360);
  const height = options.height ?? (compact ? 30 : 190);
  const none = compact ? 'hidden' : options.none ?? 'dashed';
  const p = options.palette;
  const live = liveEdges(cell);
  const nodesLive = liveNodes(cell);
  const changed = new Set(options.diffAgainst ? changedEdges(options.diffAgainst, cell) : []);
  const layout = nodeLayout(width, height, compact);
  const description = options.title ?? describeCell(cell);

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="cell-diagram${compact ? ' compact' : ''}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(description)}">`);
  parts.push(`<title>${escapeXml(description)}</title>`);
  if (p) parts.push(`<rect width="${width}" height="${height}" fill="${escapeXml(p.background)}"/>`);
  // Edges first, so nodes are drawn over their ends; labels last, over everything.
  const labels: string[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const op = OPS[cell[e]];
    if (op === 'none' && none === 'hidden' && !changed.has(e)) continue;
    const geometry = edgeGeometry(e, layout);
    const classes = ['edge', `op-${op}`, live[e] ? 'live' : 'dead', changed.has(e) ? 'changed' : ''].filter(Boolean).join(' ');
    const strokeWidth = compact ? 2 : changed.has(e) ? 3.5 : 2;
    const colour = p ? (live[e] ? p.ops[op] : p.muted) : undefined;
    const dash = op === 'none' ? ` stroke-dasharray="${compact ? '2 2' : '5 4'}"` : '';
    const [from, to] = EDGES[e];
    if (changed.has(e) && !compact) {
      parts.push(`<path class="edge-halo" d="${geometry.path}" fill="none" stroke-width="8" stroke-linecap="round"${p ? ` stroke="${escapeXml(p.changed)}" stroke-opacity="0.45"` : ''}/>`);
    }
    parts.push(`<path class="${classes}" data-edge="${e}" d="${geometry.path}" fill="none" stroke-width="${strokeWidth}"${dash}${colour ? ` stroke="${escapeXml(colour)}"` : ''}><title>${from}→${to}: ${escapeXml(op)}${changed.has(e) ? ' (changed)' : ''}</title></path>`);
    if (!compact) {
      const fill = p ? ` fill="${escapeXml(live[e] ? p.foreground : p.muted)}" stroke="${escapeXml(p.background)}"` : '';
      labels.push(`<text class="edge-label ${live[e] ? 'live' : 'dead'}${changed.has(e) ? ' changed' : ''}" x="${fmt(geometry.labelX)}" y="${fmt(geometry.labelY)}" text-anchor="middle" dominant-baseline="middle" font-size="11" paint-order="stroke" stroke-width="4"${fill}>${escapeXml(OP_LABELS[op])}</text>`);
    }
  }
  layout.x.forEach((x, node) => {
    const r = compact ? 3.2 : 13;
    const classes = `node ${nodesLive[node] ? 'live' : 'dead'}`;
    const colours = p ? ` fill="${escapeXml(p.background)}" stroke="${escapeXml(nodesLive[node] ? p.foreground : p.muted)}"` : '';
    parts.push(`<circle class="${classes}" cx="${fmt(x)}" cy="${fmt(layout.y)}" r="${r}" stroke-width="${compact ? 1.2 : 1.5}"${colours}/>`);
    if (!compact) {
      const fill = p ? ` fill="${escapeXml(nodesLive[node] ? p.foreground : p.muted)}"` : '';
      parts.push(`<text class="node-label ${nodesLive[node] ? 'live' : 'dead'}" x="${fmt(x)}" y="${fmt(layout.y)}" text-anchor="middle" dominant-baseline="central" font-size="10"${fill}>${NODE_NAMES[node]}</text>`);
    }
  });
  parts.push(...labels, '</svg>');
  return parts.join('');
}

/** "0→1 conv3×3, 0→2 skip, ..." (none edges left out), for screen readers and titles. */
export function describeCell(cell: Cell): string {
  const edges = EDGES.map(([from, to], e) => (OPS[cell[e]] === 'none' ? '' : `${from}→${to} ${OP_LABELS[OPS[cell[e]]]}`)).filter(Boolean);
  return edges.length > 0 ? `Cell: ${edges.join(', ')}` : 'Cell: no edges';
}

interface NodeLayout { readonly x: readonly number[]; readonly y: number; readonly arc1: number; readonly arc2: number }

function nodeLayout(width: number, height: number, compact: boolean): NodeLayout {
  const pad = compact ? 5 : 24;
  const step = (width - 2 * pad) / 3;
  return {
    x: [0, 1, 2, 3].map((i) => pad + i * step),
    // Two arcs go above the line and one below, so the line sits a little low.
    y: height * (compact ? 0.55 : 0.58),
    arc1: height * (compact ? 0.3 : 0.24),
    arc2: height * (compact ? 0.5 : 0.46),
  };
}

/** Apex height of each edge's arc (0 = straight), negative = above the line. */
const ARC: readonly ('straight' | 'above1' | 'below1' | 'above2')[] = ['straight', 'above1', 'straight', 'above2', 'below1', 'straight'];

function edgeGeometry(edge: number, layout: NodeLayout): { path: string; labelX: number; labelY: number } {
  const [from, to] = EDGES[edge];
  const x1 = layout.x[from], x2 = layout.x[to], y = layout.y;
  const kind = ARC[edge];
  if (kind === 'straight') {
    return { path: `M${fmt(x1)} ${fmt(y)}L${fmt(x2)} ${fmt(y)}`, labelX: (x1 + x2) / 2, labelY: y - 11 };
  }
  const apex = kind === 'above1' ? y - layout.arc1 : kind === 'below1' ? y + layout.arc1 : y - layout.arc2;
  // A quadratic Bezier peaks halfway to its control point.
  const control = 2 * apex - y;
  const mid = (x1 + x2) / 2;
  return { path: `M${fmt(x1)} ${fmt(y)}Q${fmt(mid)} ${fmt(control)} ${fmt(x2)} ${fmt(y)}`, labelX: mid, labelY: apex };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
