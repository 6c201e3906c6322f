import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellDiagramSvg, describeCell, LIGHT_CELL_PALETTE } from '../../src/core/panel/cellDiagramSvg';
import { changedEdges, liveEdges, liveNodes } from '../../src/core/panel/cellPaths';
import { isDisconnected } from '../../src/core/nb201/cellGraph';
import { cellFromCode, NUM_CELLS, OPS, type Cell } from '../../src/core/nb201/searchSpace';

const op = (name: string) => OPS.indexOf(name as (typeof OPS)[number]);
const CONV3 = op('nor_conv_3x3'), NONE = op('none'), SKIP = op('skip_connect');

/** Attribute values of every element with data-edge, by edge index. */
function edgeClasses(svg: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of svg.matchAll(/<path class="([^"]*)" data-edge="(\d)"/g)) out.set(Number(m[2]), m[1]);
  return out;
}

test('live edges: an edge counts only on a path from input to output', () => {
  // 0->1 conv, 1->2 conv, but node 2 has no way out (2->3 none) and 1->3 none: only 0->3 carries signal.
  const cell: Cell = [CONV3, NONE, CONV3, SKIP, NONE, NONE];
  assert.deepEqual(liveEdges(cell), [false, false, false, true, false, false]);
  assert.deepEqual(liveNodes(cell), [true, false, false, true]);
  // Brute force over every cell: some live edge exists exactly when the cell is connected.
  for (let code = 0; code < NUM_CELLS; code += 7) {
    const c = cellFromCode(code);
    assert.equal(liveEdges(c).some(Boolean), !isDisconnected(c), `cell ${code}`);
    assert.equal(liveNodes(c)[3], !isDisconnected(c));
  }
});

test('the diagram labels every edge with its op, dashes none edges, greys dead parts and marks diffs', () => {
  const cell: Cell = [CONV3, NONE, CONV3, SKIP, NONE, NONE];
  const svg = cellDiagramSvg(cell, { diffAgainst: [CONV3, NONE, CONV3, CONV3, NONE, SKIP] });
  const classes = edgeClasses(svg);
  assert.equal(classes.size, 6, 'none edges are drawn (dashed) by default');
  assert.match(classes.get(1) ?? '', /op-none dead/);
  assert.match(svg, /data-edge="1" d="[^"]*" fill="none" stroke-width="2" stroke-dasharray="5 4"/);
  assert.match(classes.get(0) ?? '', /op-nor_conv_3x3 dead/, '0->1 leads nowhere');
  assert.match(classes.get(3) ?? '', /op-skip_connect live changed/);
  assert.match(classes.get(5) ?? '', /op-none dead changed/);
  assert.deepEqual([...classes.entries()].filter(([, c]) => c.includes('changed')).map(([e]) => e), changedEdges([CONV3, NONE, CONV3, CONV3, NONE, SKIP], cell));
  for (const label of ['conv3×3', 'skip', 'none', 'in', 'out']) assert.ok(svg.includes(`>${label}</text>`), label);
  assert.equal(edgeClasses(cellDiagramSvg(cell, { none: 'hidden' })).size, 3, 'none edges can be hidden');
});

test('thumbnails have no labels; a palette writes colours for files outside VS Code', () => {
  const cell: Cell = [CONV3, SKIP, CONV3, SKIP, CONV3, op('avg_pool_3x3')];
  const thumb = cellDiagramSvg(cell, { compact: true });
  assert.doesNotMatch(thumb, /class="edge-label/);
  assert.match(thumb, /width="72" height="30"/);
  const file = cellDiagramSvg(cell, { palette: LIGHT_CELL_PALETTE });
  assert.ok(file.includes(`stroke="${LIGHT_CELL_PALETTE.ops.nor_conv_3x3}"`));
  assert.ok(file.includes(`fill="${LIGHT_CELL_PALETTE.background}"`));
  assert.doesNotMatch(cellDiagramSvg(cell), /stroke="#/, 'without a palette, colours come from CSS classes');
});

test('titles are escaped: text never becomes markup', () => {
  const svg = cellDiagramSvg([CONV3, CONV3, CONV3, CONV3, CONV3, CONV3], { title: '<script>alert(1)</script> & "x"' });
  assert.doesNotMatch(svg, /<script/);
  assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;'));
  assert.equal(describeCell([NONE, NONE, NONE, NONE, NONE, NONE]), 'Cell: no edges');
  assert.equal(describeCell([SKIP, NONE, NONE, CONV3, NONE, NONE]), 'Cell: 0→1 skip, 0→3 conv3×3');
});
