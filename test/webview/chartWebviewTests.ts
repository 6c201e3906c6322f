/**
 * Chromium tests of what the charts show, read off the painted canvas and the tooltip a user sees:
 * the overview's error axis zoomed to where the searchers differ with the optimum drawn, ten series
 * in ten colours (also in a high-contrast theme), tooltips on charts with bootstrap bands, a trial's
 * own curve with every epoch, and the panel at half width and at 300 px without sideways scrolling.
 * Screenshots go to test-artifacts/webview/charts-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import type { IncumbentRun } from '../../src/core/panel/incumbentSeries';
import { SERIES_COLOURS } from '../../src/core/panel/seriesStyles';
import { isKeptEpoch } from '../../src/core/readModel/curveDecimation';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import type { RecordedStudies } from './recordedStudies';
import { THEMES, type ThemeKind } from './vscodeThemeStub';
import { assert, assertClean, assertEqual, canvasPixels, hexRgb, settle, showTab, webviewTest, withPanel, type HarnessContext } from './webviewHarness';

const TABS = ['overview', 'trials', 'curves', 'cells', 'llm', 'correlation'] as const;

export function registerChartTests(studies: RecordedStudies): void {
  const options = { companions: studies.companions, isoClassOf: studies.isoClassOf };
  const shot = (ctx: HarnessContext, name: string) => join(ctx.artifacts, `charts-${name}.png`);

  webviewTest('overview: the error axis is zoomed to the settled lines, the optimum is a dashed line', async (ctx) => {
    await withPanel(ctx, studies.small, options, async (panel) => {
      const { page } = panel;
      const blue = hexRgb(THEMES.dark['--vscode-charts-blue']);
      const spread = await verticalSpread(page, '#chart-incumbent', blue);
      // The axis top is the highest incumbent after the first tenth of the time, so right of that the
      // line starts near the top of the plot; on an axis up to the first incumbents it would start mid-way down.
      assert(spread.top < 0.3 * spread.height, `right of the first tenth the llambo line starts at row ${spread.top} of ${spread.height}`);
      assert(spread.rows > 0.4 * spread.height, `and spans ${spread.rows} of ${spread.height} rows`);
      const muted = hexRgb(THEMES.dark['--vscode-descriptionForeground']);
      assert(await longestRowRun(page, '#chart-incumbent', muted) > 0.4, 'a dashed reference line (the optimum) crosses the plot');
      await page.screenshot({ path: shot(ctx, 'overview-zoomed'), fullPage: true });
      await page.click('#overview-log-error');
      await settle(page);
      assert((await canvasPixels(page, '#chart-incumbent', blue)).matching > 200, 'the log error axis still draws the lines');
      await page.screenshot({ path: shot(ctx, 'overview-log-error'), fullPage: true });
      await assertClean(panel);
    });
  });

  // The worker sends the batch with a study's first result at once, ending at that result: its
  // incumbentChanged comes in the next batch. Either way the panel shows one point.
  for (const [name, withIncumbent] of [['before its incumbentChanged', false], ['with its incumbentChanged', true]] as const) {
    webviewTest(`a running study's first result (${name}): x axis 0 to the budget, y axis holds the point, the point is drawn`, async (ctx) => {
      const events = firstResultEvents(studies.small, withIncumbent);
      const first = events.find((e) => e.type === 'result');
      const started = events[0];
      assert(first?.type === 'result' && first.error !== null && started.type === 'studyStarted', 'the study starts and reports a result');
      const budgetHours = Number((started.spec as { budgetSeconds: number }).budgetSeconds) / 3600;
      const optimum = started.optimumError * 100;
      const point = first.error * 100;
      await withPanel(ctx, events, { isoClassOf: studies.isoClassOf }, async (panel) => {
        const { page } = panel;
        const blue = hexRgb(THEMES.dark['--vscode-charts-blue']);
        for (const chart of ['#chart-incumbent', '#chart-regret']) {
          const drawn = (await canvasPixels(page, chart, blue)).matching;
          assert(drawn >= 12, `${chart}: the one point is drawn as a marker (${drawn} pixels of the line's colour)`);
        }
        const incumbent = await drawnRanges(page, '#chart-incumbent');
        assertEqual(incumbent.x, [0, budgetHours], 'the time axis of a running study spans 0 to its budget');
        assert(incumbent.y[0] <= Math.min(point, optimum) && incumbent.y[1] >= Math.max(point, optimum), `the error axis ${incumbent.y} holds the point ${point} and the optimum ${optimum}`);
        const regret = await drawnRanges(page, '#chart-regret');
        assertEqual(regret.x, [0, budgetHours], 'the regret chart spans the same time');
        assert(regret.y[0] <= point - optimum && regret.y[1] >= point - optimum, `the regret axis ${regret.y} holds ${point - optimum}`);
        await page.screenshot({ path: shot(ctx, `first-result-${withIncumbent ? 'incumbent' : 'result'}`), fullPage: true });
        await showTab(page, 'curves');
        const curves = await drawnRanges(page, '#chart-curves');
        assert(curves.x[1] > curves.x[0] && curves.y[0] <= point && curves.y[1] >= point, `the curves' axes ${JSON.stringify(curves)} hold epoch 1 at ${point}`);
        const b0 = (await canvasPixels(page, '#chart-curves', hexRgb(THEMES.dark['--vscode-charts-blue']), 12)).matching;
        assert(b0 >= 12, `the curve of one epoch is drawn as a marker (${b0} pixels)`);
        await page.screenshot({ path: shot(ctx, `first-result-curves-${withIncumbent ? 'incumbent' : 'result'}`), fullPage: true });
        await assertClean(panel);
      });
    });
  }

  for (const theme of ['dark', 'high-contrast'] as const) {
    webviewTest(`ten searchers get ten colours (${theme} theme)`, async (ctx) => {
      await withPanel(ctx, studies.small, { ...options, companions: tenLines(studies), theme }, async (panel) => {
        const { page } = panel;
        const colours = themeSeriesColours(theme);
        const counts: number[] = [];
        for (const colour of colours) counts.push((await canvasPixels(page, '#chart-incumbent', hexRgb(colour), 8)).matching);
        await page.screenshot({ path: shot(ctx, `ten-series-${theme}`), fullPage: true });
        assert(counts.every((n) => n > 40), `every one of the ten colours is drawn: ${colours.map((c, i) => `${c} ${counts[i]}`).join(', ')}`);
        await assertClean(panel);
      });
    });
  }

  webviewTest('tooltips show on charts with bootstrap bands, with units', async (ctx) => {
    await withPanel(ctx, studies.small, options, async (panel) => {
      const { page } = panel;
      for (const [chart, unit] of [['#chart-incumbent', '%'], ['#chart-regret', 'pp']] as const) {
        const texts = (await sweepTooltips(page, chart, 12, 0.5)).map((s) => s.text);
        assert(texts.every((t) => t.length > 0), `${chart}: a tooltip at every hovered position: ${JSON.stringify(texts)}`);
        assert(texts.every((t) => t.includes(unit) && / h$/.test(t)), `${chart}: tooltips give the unit and the time: ${texts[0]}`);
        assert(texts.some((t) => t.includes('95% CI')), `${chart}: the band is in the tooltip: ${texts[0]}`);
      }
      await page.mouse.move(0, 0);
      const box = await page.locator('#chart-incumbent').boundingBox();
      if (box) await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
      await settle(page);
      await page.screenshot({ path: shot(ctx, 'band-tooltip') });
      await assertClean(panel);
    });
  });

  webviewTest("a trial's curve shows every epoch it trained, its best among them", async (ctx) => {
    const builder = new PanelModelBuilder(options);
    builder.add(studies.small);
    const model = builder.snapshot();
    const levels = new Set(model.ledger.flatMap((b) => b.rungs.map((r) => r.level)));
    const trial = model.trials.find((t) => t.bestErrorEpoch !== null && t.epochs <= 30 && t.epochs > 5 && !isKeptEpoch(t.bestErrorEpoch, levels) && t.bestErrorEpoch !== t.epochs);
    assert(trial && trial.bestErrorEpoch !== null, 'a trial whose best epoch the decimated curve leaves out');
    const best = trial.bestErrorEpoch;
    await withPanel(ctx, studies.small, options, async (panel) => {
      const { page } = panel;
      await showTab(page, 'trials');
      await page.locator('#trial-filter input').fill(`#${trial.id}`);
      await page.waitForFunction(() => document.querySelectorAll('#trials-table .vt-body .vt-row').length === 1);
      await page.click('#trials-table .vt-body .vt-row');
      await page.waitForSelector('#chart-trial-curve');
      await settle(page);
      const epochOf = (t: string) => Number(/^epoch (\d+):/.exec(t)?.[1] ?? NaN);
      const stops = await sweepTooltips(page, '#chart-trial-curve', 120, null);
      // Then finely between the stops that showed the epochs either side of the best one.
      const below = Math.max(0.1, ...stops.filter((s) => epochOf(s.text) < best).map((s) => s.x));
      const above = Math.min(0.95, ...stops.filter((s) => epochOf(s.text) > best).map((s) => s.x));
      const fine = await sweepTooltips(page, '#chart-trial-curve', 60, null, [below, above]);
      const texts = [...stops, ...fine].map((s) => s.text);
      const epochs = new Set(texts.map(epochOf).filter((e) => Number.isFinite(e)));
      // A sweep of the mouse cannot reach every point of a log axis; it reaches more than the decimated curve has.
      const decimated = model.curves.find((c) => c.id === trial.id)?.epochs ?? [];
      assert(epochs.size > decimated.length, `tooltips reach ${epochs.size} epochs (${[...epochs].sort((a, b) => a - b).join(',')}), the decimated curve has ${decimated.length}`);
      assert([...epochs].some((e) => !decimated.includes(e)), 'epochs the decimated curve leaves out are drawn');
      const bestText = `epoch ${best}: ${(100 * (trial.bestError ?? 0)).toFixed(2)}%`;
      assert(texts.includes(bestText), `the best error is on the curve: ${bestText} (${[...new Set(fine.map((s) => s.text))].join(" / ")})`);
      await page.screenshot({ path: shot(ctx, 'trial-curve') });
      await assertClean(panel);
    });
  });

  for (const width of [750, 300]) {
    webviewTest(`at ${width} px nothing scrolls sideways; facts wrap by word, tabs wrap`, async (ctx) => {
      await withPanel(ctx, studies.small, { ...options, viewport: { width, height: 900 } }, async (panel) => {
        const { page } = panel;
        for (const tab of TABS) {
          await showTab(page, tab);
          const overflow = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
            tabs: Math.max(...Array.from(document.querySelectorAll('vscode-panel-tab')).map((t) => t.getBoundingClientRect().right)),
          }));
          assert(overflow.scroll <= overflow.client, `${tab} at ${width} px: page ${overflow.scroll} px wide in ${overflow.client}`);
          assert(overflow.tabs <= overflow.client, `${tab} at ${width} px: the tab strip ends at ${overflow.tabs}`);
          if (tab === 'overview' || tab === 'trials') await page.screenshot({ path: shot(ctx, `${tab}-${width}px`), fullPage: true });
        }
        await showTab(page, 'overview');
        const split = await page.evaluate(brokenWords, '.overview-totals dd');
        assert(split.length === 0, `fact values wrap between words, not inside them: ${split.join(' | ')}`);
        await assertClean(panel);
      });
    });
  }
}

/** The study up to its first result (and, with `withIncumbent`, the incumbentChanged that follows it), still running. */
function firstResultEvents(events: readonly StudyEvent[], withIncumbent: boolean): StudyEvent[] {
  const first = events.findIndex((e) => e.type === 'result');
  assert(first > 0 && events[first + 1]?.type === 'incumbentChanged', 'the first result is followed by its incumbentChanged');
  return events.slice(0, first + (withIncumbent ? 2 : 1));
}

/** The axes as the chart drew them (the canvas carries them, like the tooltip's text). */
async function drawnRanges(page: Page, selector: string): Promise<{ x: number[]; y: number[] }> {
  const read = async (name: string) => ((await page.getAttribute(selector, name)) ?? '').split(',').map(Number);
  return { x: await read('data-x-range'), y: await read('data-y-range') };
}

/** The small study's companions relabelled as nine searchers (their errors nudged apart): ten lines with the study's own. */
function tenLines(studies: RecordedStudies): IncumbentRun[] {
  return Array.from({ length: 9 }, (_, k) => {
    const run = studies.companions[k % studies.companions.length];
    return { ...run, label: `searcher ${k + 2}`, seed: 0, error: run.error.map((e) => e + 0.002 * k) };
  });
}

function themeSeriesColours(theme: ThemeKind): string[] {
  const vars = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((name) => THEMES[theme][`--vscode-charts-${name}`]);
  return [...vars, ...SERIES_COLOURS.slice(vars.length)];
}

/** Rows holding pixels of the colour in the right 80% of the canvas (after the first tenth of the time axis). */
async function verticalSpread(page: Page, selector: string, rgb: readonly [number, number, number]): Promise<{ top: number; rows: number; height: number }> {
  return page.evaluate(({ selector, rgb }) => {
    const canvas = document.querySelector(selector) as HTMLCanvasElement;
    const { width, height } = canvas;
    const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, width, height).data;
    let top = height, bottom = -1;
    for (let y = 0; y < height; y++) for (let x = Math.floor(width * 0.2); x < width; x++) {
      const i = (y * width + x) * 4;
      if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) < 10 && Math.abs(data[i + 1] - rgb[1]) < 10 && Math.abs(data[i + 2] - rgb[2]) < 10) {
        top = Math.min(top, y); bottom = Math.max(bottom, y);
      }
    }
    return { top, rows: Math.max(0, bottom - top), height };
  }, { selector, rgb });
}

/** The largest share of a canvas row covered by pixels of the colour (a horizontal line, dashes included). */
async function longestRowRun(page: Page, selector: string, rgb: readonly [number, number, number]): Promise<number> {
  return page.evaluate(({ selector, rgb }) => {
    const canvas = document.querySelector(selector) as HTMLCanvasElement;
    const { width, height } = canvas;
    const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, width, height).data;
    let best = 0;
    for (let y = 0; y < height; y++) {
      let n = 0;
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if (data[i + 3] > 150 && Math.abs(data[i] - rgb[0]) < 12 && Math.abs(data[i + 1] - rgb[1]) < 12 && Math.abs(data[i + 2] - rgb[2]) < 12) n++;
      }
      best = Math.max(best, n / width);
    }
    return best;
  }, { selector, rgb });
}

/**
 * Moves the mouse across a chart from `from` to `to` (shares of its width; at a fixed height share,
 * or at five heights when `at` is null) and collects the tooltip text at each stop, as the canvas's
 * data-tooltip carries it.
 */
async function sweepTooltips(
  page: Page, selector: string, stops: number, at: number | null, [from, to]: readonly [number, number] = [0.1, 0.95],
): Promise<{ x: number; text: string }[]> {
  const box = await page.locator(selector).boundingBox();
  assert(box, `${selector} is on the page`);
  const out: { x: number; text: string }[] = [];
  for (const h of at === null ? [0.15, 0.35, 0.55, 0.75, 0.88] : [at]) {
    for (let k = 0; k < stops; k++) {
      const x = from + ((to - from) * k) / (stops - 1);
      await page.mouse.move(box.x + box.width * x, box.y + box.height * h);
      out.push({ x, text: await page.$eval(selector, (c) => (c as HTMLCanvasElement).dataset.tooltip ?? '') });
    }
  }
  return out;
}

/** Words of the elements' text that the layout split across lines (runs in the page). */
function brokenWords(selector: string): string[] {
  const out: string[] = [];
  for (const element of Array.from(document.querySelectorAll(selector))) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (const match of text.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index ?? 0);
        range.setEnd(node, (match.index ?? 0) + match[0].length);
        const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        if (lines.size > 1) out.push(match[0]);
      }
    }
  }
  return out;
}
