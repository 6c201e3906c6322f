/**
 * chart.js, loaded after the panel's first paint. It is most of the panel bundle's code (about 170 kB
 * of 376 kB minified) and its compile and set-up came before the first paint although no chart can
 * show anything before results arrive, so it is a bundle of its own (dist/charts.js, entry
 * webview/chartsMain.ts) that the page loads by a script element under its nonce once it has painted.
 * The page names the bundle in `<meta name="llambo-nas-charts">` (src/extension/webviewHtml.ts).
 */
import type { Chart, InteractionModeFunction } from 'chart.js';

declare module 'chart.js' {
  interface InteractionModeMap {
    nearestSeries: InteractionModeFunction;
  }
}

/** What the charts bundle hands over: chart.js with the line chart's pieces registered (and the nearestSeries mode). */
export interface ChartLibrary {
  readonly Chart: typeof Chart;
}

/** Where the charts bundle leaves the library for the panel bundle (two bundles share nothing else). */
export const CHART_LIBRARY_GLOBAL = '__llamboNasCharts';

type LibraryWindow = Window & { [CHART_LIBRARY_GLOBAL]?: ChartLibrary };

let loading: Promise<ChartLibrary> | undefined;

/** The library if it has loaded. */
export function chartLibrary(): ChartLibrary | undefined {
  return (window as LibraryWindow)[CHART_LIBRARY_GLOBAL];
}

/** Loads the charts bundle once (a script element with the page's nonce); resolves when it has run. */
export function loadChartLibrary(): Promise<ChartLibrary> {
  const loaded = chartLibrary();
  if (loaded) return Promise.resolve(loaded);
  loading ??= new Promise<ChartLibrary>((resolve, reject) => {
    const src = document.querySelector<HTMLMetaElement>('meta[name="llambo-nas-charts"]')?.content;
    if (!src) { reject(new Error('the page names no charts bundle')); return; }
    const script = document.createElement('script');
    script.nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.content ?? '';
    script.src = src;
    script.addEventListener('load', () => {
      const library = chartLibrary();
      if (library) resolve(library); else reject(new Error('the charts bundle did not hand over chart.js'));
    });
    script.addEventListener('error', () => reject(new Error(`could not load ${src}`)));
    document.head.append(script);
  }).then((library) => {
    performance.mark('panel:charts-loaded');
    // After every chart waiting for the library has drawn (their callbacks run first): tests wait for this.
    setTimeout(() => { document.body.dataset.charts = 'ready'; });
    return library;
  });
  return loading;
}
