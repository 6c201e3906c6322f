/**
 * Cell diagrams in the panel: the SVG strings of src/core/panel/cellDiagramSvg (the same ones the
 * exports write), turned into DOM by svgFragment without innerHTML. Colours come from CSS classes
 * (media/panel/panel.css), so they follow the theme without redrawing.
 */
import { cellDiagramSvg, type CellDiagramOptions } from '../src/core/panel/cellDiagramSvg';
import { cachedSvgElement, svgElement } from './svgFragment';

export function cellThumbnail(ops: readonly number[]): SVGSVGElement {
  return cachedSvgElement(`thumb:${ops.join('')}`, () => cellDiagramSvg(ops, { compact: true }));
}

export function cellDiagram(ops: readonly number[], options: CellDiagramOptions = {}): SVGSVGElement {
  return svgElement(cellDiagramSvg(ops, options));
}
