/**
 * Inserts SVG made by src/core/panel (cell diagrams) without innerHTML: the string is parsed as XML by
 * DOMParser and imported node by node. Any <script> or on* attribute is dropped on the way, so even a
 * broken generator could not make the page run code. Parsed thumbnails are cached by cell.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const cache = new Map<string, SVGSVGElement>();
const parser = new DOMParser();

export function svgElement(svg: string): SVGSVGElement {
  const doc = parser.parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg' || doc.getElementsByTagName('parsererror').length > 0) {
    throw new Error('not an SVG document');
  }
  return copySafe(root) as SVGSVGElement;
}

/** The same SVG string gives a clone of one parse (thumbnails in a scrolled table repeat a lot). */
export function cachedSvgElement(key: string, make: () => string): SVGSVGElement {
  let parsed = cache.get(key);
  if (!parsed) {
    parsed = svgElement(make());
    if (cache.size > 4000) cache.clear();
    cache.set(key, parsed);
  }
  return parsed.cloneNode(true) as SVGSVGElement;
}

function copySafe(source: Element): Element {
  const copy = document.createElementNS(SVG_NS, source.localName);
  for (const attr of Array.from(source.attributes)) {
    if (attr.name.toLowerCase().startsWith('on') || attr.name === 'style' || /href$/i.test(attr.name)) continue;
    copy.setAttribute(attr.name, attr.value);
  }
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) copy.append(document.createTextNode(child.textContent ?? ''));
    else if (child.nodeType === Node.ELEMENT_NODE && (child as Element).namespaceURI === SVG_NS && (child as Element).localName !== 'script' && (child as Element).localName !== 'foreignObject') {
      copy.append(copySafe(child as Element));
    }
  }
  return copy;
}
