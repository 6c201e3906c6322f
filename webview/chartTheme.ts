import { SERIES_COLOURS } from '../src/core/panel/seriesStyles';

/**
 * Chart colours from the VS Code theme. A canvas cannot use CSS variables, so the colours are read
 * with getComputedStyle and the charts redraw whenever VS Code switches theme (it changes the body
 * class and the variables on <html>).
 */

export interface ChartColours {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly focus: string;
  /** Ten series colours: VS Code's chart palette (six), then the fixed ones of seriesStyles.ts. */
  readonly series: readonly string[];
}

const SERIES_VARIABLES = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

export function readChartColours(): ChartColours {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = read('--vscode-charts-foreground', read('--vscode-foreground', '#cccccc'));
  return {
    foreground,
    muted: read('--vscode-descriptionForeground', foreground),
    grid: read('--vscode-charts-lines', withAlpha(foreground, 0.25)),
    background: read('--vscode-editor-background', '#1e1e1e'),
    focus: read('--vscode-focusBorder', '#007fd4'),
    series: [...SERIES_VARIABLES.map((name, i) => read(`--vscode-charts-${name}`, SERIES_COLOURS[i])), ...SERIES_COLOURS.slice(SERIES_VARIABLES.length)],
  };
}

/** Calls `onChange` after VS Code switched theme (body class or the variables on <html> changed). */
export function watchTheme(onChange: () => void): () => void {
  let last = themeKey();
  const observer = new MutationObserver(() => {
    const key = themeKey();
    if (key !== last) { last = key; onChange(); }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

function themeKey(): string {
  const style = getComputedStyle(document.body);
  return `${document.body.className}|${style.getPropertyValue('--vscode-charts-blue')}|${style.getPropertyValue('--vscode-foreground')}`;
}

/** The colour with an alpha channel (#rgb, #rrggbb, #rrggbbaa, rgb() and rgba() understood). */
export function withAlpha(colour: string, alpha: number): string {
  const c = colour.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) {
    const [r, g, b] = m[1].split('').map((d) => parseInt(d + d, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    const n = parseInt(m[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  m = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(c);
  if (m) return `rgba(${m[1].trim()}, ${m[2].trim()}, ${m[3].trim()}, ${alpha})`;
  return c;
}
