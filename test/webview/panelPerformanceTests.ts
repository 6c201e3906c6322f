/**
 * Chromium tests of the panel on recorded studies under live load: deltas at 10 a second (a small
 * study, then a 5,000-trial one on the table and the learning curves), and the first paint of a
 * 5,000-trial study. They assert what the panel shows and the spacing of the redraw throttle, never how
 * fast it was: timings go to the report as figures next to their targets, which `npm run bench` prints
 * (scripts/test-webview.mjs --bench) and which never fail a test.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import type { RecordedStudies } from './recordedStudies';
import { assert, assertClean, assertEqual, canvasPixels, settle, showTab, waitFor, webviewTest, withPanel, type HarnessContext } from './webviewHarness';

/** A measured figure and the target `npm run bench` holds it to. */
export interface PanelFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: { readonly atMost: number } | { readonly atLeast: number };
}

/** The curves view's live-data redraw throttle (modelThrottleMs in webview/views/curvesView.ts). */
const CURVES_THROTTLE_MS = 500;

function figure(ctx: HarnessContext, name: string, value: number, unit: string, target: PanelFigure['target']): void {
  const figures = (ctx.report.figures ??= []) as PanelFigure[];
  figures.push({ name, value: +value.toFixed(1), unit, target });
}

const trialCount = (events: readonly StudyEvent[]) => events.filter((e) => e.type === 'trialStarted').length;

/** Waits until the panel has drawn `n` trials (the app sets data-trials on every render). */
async function waitForTrials(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => document.getElementById('app')?.dataset.trials === String(count), n);
}

/** Sends `events` in `chunks` deltas paced at 10 a second; returns how many deltas went out and the seconds it took. */
async function sendLive(panel: { host: { addEvents(e: readonly StudyEvent[]): void; flush(): Promise<boolean> } }, events: readonly StudyEvent[], chunks: number) {
  const started = Date.now();
  let sent = 0;
  for (let i = 0; i < chunks; i++) {
    panel.host.addEvents(events.slice(Math.floor((i * events.length) / chunks), Math.floor(((i + 1) * events.length) / chunks)));
    if (await panel.host.flush()) sent++;
    await new Promise((r) => setTimeout(r, Math.max(0, started + (i + 1) * 100 - Date.now())));
  }
  return { sent, seconds: (Date.now() - started) / 1000 };
}

/** Durations and start times of the panel's `panel:render:<tab>` measures since the last clearMeasures(). */
async function renders(page: Page, tab: string): Promise<{ durations: number[]; spans: { start: number; end: number }[] }> {
  const entries = await page.evaluate((name) => performance.getEntriesByType('measure').filter((m) => m.name === name)
    .map((m) => ({ start: m.startTime, end: m.startTime + m.duration })), `panel:render:${tab}`);
  return { durations: entries.map((e) => e.end - e.start).sort((a, b) => a - b), spans: entries };
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

export function registerPerformanceTests(studies: RecordedStudies): void {
  const smallOptions = { companions: studies.companions, isoClassOf: studies.isoClassOf };
  const smallTrials = new PanelModelBuilder(smallOptions);
  smallTrials.add(studies.small);
  const expectedSmall = smallTrials.snapshot();
  const shot = (ctx: HarnessContext, name: string) => join(ctx.artifacts, `${name}.png`);
  // The live tests on the small study open it 15% of its trials in and send the rest as deltas.
  const smallStarts = studies.small.filter((e) => e.type === 'trialStarted');
  const smallLiveCut = studies.small.indexOf(smallStarts[Math.floor(smallStarts.length * 0.15)]);

  webviewTest('live study: deltas at 10 a second are all applied and drawn, without page errors', async (ctx) => {
    const events = studies.small;
    const cut = smallLiveCut;
    await withPanel(ctx, events.slice(0, cut), smallOptions, async (panel) => {
      const { page } = panel;
      await showTab(page, 'trials');
      await page.evaluate(() => {
        performance.clearMeasures();
        const w = window as unknown as { __frames: number[]; __longTasks: number[]; __stop: boolean };
        w.__frames = []; w.__longTasks = []; w.__stop = false;
        new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ entryTypes: ['longtask'] });
        const loop = (t: number) => { w.__frames.push(t); if (!w.__stop) requestAnimationFrame(loop); };
        requestAnimationFrame(loop);
      });
      const { sent, seconds } = await sendLive(panel, events.slice(cut), 30);
      await waitForTrials(page, expectedSmall.trials.length);
      const frames = await page.evaluate(() => {
        const w = window as unknown as { __frames: number[]; __longTasks: number[]; __stop: boolean };
        w.__stop = true;
        return { gaps: w.__frames.slice(1).map((t, i) => t - w.__frames[i]).sort((a, b) => a - b), longTasks: w.__longTasks };
      });
      const drawn = await renders(page, 'trials');
      assert(sent > 0, 'the live events produced deltas');
      assert(drawn.durations.length >= 1, 'the deltas were drawn');
      assertEqual(await page.getAttribute('#app', 'data-trials'), String(expectedSmall.trials.length), 'all trials arrived');
      ctx.report.live = { deltas: sent, seconds, renders: drawn.durations.length, frames: frames.gaps.length, longTasksMs: frames.longTasks.map(Math.round) };
      figure(ctx, 'live study: deltas a second', sent / seconds, '/s', { atLeast: 5 });
      figure(ctx, 'live study: trials render p95', quantile(drawn.durations, 0.95), 'ms', { atMost: 16 });
      figure(ctx, 'live study: trials render max', drawn.durations[drawn.durations.length - 1], 'ms', { atMost: 50 });
      figure(ctx, 'live study: frame gap p95', quantile(frames.gaps, 0.95), 'ms', { atMost: 50 });
      await assertClean(panel);
    });
  });

  webviewTest('live study on the overview: the header and the facts show the same trial count at every update, while the facts are throttled', async (ctx) => {
    const events = studies.small;
    const cut = smallLiveCut;
    await withPanel(ctx, events.slice(0, cut), smallOptions, async (panel) => {
      const { page } = panel;
      await showTab(page, 'overview');
      // Every DOM change is followed by a record of both counts, read before the next frame is painted.
      await page.evaluate(() => {
        const w = window as unknown as { __counts: [string, string][] };
        w.__counts = [];
        const header = () => /([\d,]+) trials/.exec(document.querySelector('.panel-header .study-line')?.textContent ?? '')?.[1] ?? '';
        const facts = () => {
          const label = Array.from(document.querySelectorAll('.overview-totals dt')).find((dt) => dt.textContent === 'Trials');
          return label?.nextElementSibling?.textContent ?? '';
        };
        new MutationObserver(() => w.__counts.push([header(), facts()])).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      // 10 deltas a second: several arrive within the overview's 250 ms throttle.
      await sendLive(panel, events.slice(cut), 20);
      await waitForTrials(page, expectedSmall.trials.length);
      const counts = await page.evaluate(() => (window as unknown as { __counts: [string, string][] }).__counts);
      const shown = new Set(counts.map(([h]) => h));
      assert(shown.size >= 3, `the header changed while deltas arrived (counts seen: ${[...shown].join(', ')})`);
      const apart = counts.filter(([h, f]) => h !== f);
      assert(apart.length === 0, `header and facts differ at ${apart.length} of ${counts.length} updates, e.g. header ${apart[0]?.[0]} vs facts ${apart[0]?.[1]}`);
      await assertClean(panel);
    });
  });

  webviewTest('live 5,000-trial study: the table and the learning curves take deltas at 10 a second; curves redraw at most every 500 ms', async (ctx) => {
    const events = studies.large;
    const cut = Math.floor(events.length * 0.8);
    await withPanel(ctx, events.slice(0, cut), { isoClassOf: studies.isoClassOf }, async (panel) => {
      const { page } = panel;
      const rest = events.slice(cut);
      const half = Math.floor(rest.length / 2);
      const result: Record<string, unknown> = {};
      for (const tab of ['trials', 'curves'] as const) {
        await showTab(page, tab);
        await page.evaluate(() => performance.clearMeasures());
        // Without studyFinished: the throttle holds while the study runs, a finished study redraws at once.
        const part = tab === 'trials' ? rest.slice(0, half) : rest.slice(half).filter((e) => e.type !== 'studyFinished');
        const { seconds } = await sendLive(panel, part, 20);
        // The throttle's catch-up timer draws the last delta: wait for it rather than a fixed time.
        await waitForTrials(page, trialCount(events.slice(0, tab === 'trials' ? cut + half : events.length)));
        await settle(page);
        const drawn = await renders(page, tab);
        result[tab] = {
          renders: drawn.durations.length, seconds,
          p50Ms: +quantile(drawn.durations, 0.5).toFixed(1), maxMs: +drawn.durations[drawn.durations.length - 1].toFixed(1),
        };
        if (tab === 'trials') {
          figure(ctx, 'live 5,000 trials: trials render median', quantile(drawn.durations, 0.5), 'ms', { atMost: 16 });
          figure(ctx, 'live 5,000 trials: trials render max', drawn.durations[drawn.durations.length - 1], 'ms', { atMost: 100 });
        } else {
          // Page-clock spacing, which a slow machine can only widen: a live redraw never ends before the
          // previous one's start + the throttle (the throttle is checked after a render starts).
          for (let i = 1; i < drawn.spans.length; i++) {
            assert(drawn.spans[i].end >= drawn.spans[i - 1].start + CURVES_THROTTLE_MS - 1,
              `curves redraw ${i} ended ${(drawn.spans[i].end - drawn.spans[i - 1].start).toFixed(0)} ms after the previous one started`);
          }
          figure(ctx, 'live 5,000 trials: curves render max', drawn.durations[drawn.durations.length - 1], 'ms', { atMost: 250 });
        }
      }
      ctx.report.liveLarge = result;
      assertEqual(await page.getAttribute('#app', 'data-trials'), '5000', 'all trials arrived');
      await assertClean(panel);
    });
  });

  webviewTest('5,000-trial study: first paint of the overview and the table; the table scrolls, filters and sorts', async (ctx) => {
    const large = studies.large;
    const firstPaint: Record<string, unknown> = {};
    for (const tab of ['overview', 'trials'] as const) {
      await withPanel(ctx, large, { isoClassOf: studies.isoClassOf, autoSnapshot: false, waitReady: false }, async (panel) => {
        const { page, host } = panel;
        if (tab !== 'overview') {
          await page.evaluate((state) => sessionStorage.setItem('__vscodeState', JSON.stringify(state)), { studyId: 'panel-large-5000', tab });
          await page.reload();
        }
        await waitFor(() => host.readies === (tab === 'overview' ? 1 : 2));
        const message = host.modelMessage();
        const json = JSON.stringify(message);
        await page.evaluate((text) => { (window as unknown as { __json: string }).__json = text; }, json);
        const timing = await page.evaluate(() => new Promise<{ render: number; paint: number }>((resolve) => {
          const t0 = performance.now();
          // What the webview host does: deserialize the message and dispatch it.
          window.postMessage(JSON.parse((window as unknown as { __json: string }).__json), '*');
          const check = () => {
            const paint = performance.getEntriesByName('panel:first-paint')[0];
            const render = performance.getEntriesByName('panel:first-render')[0];
            if (paint && render) resolve({ render: render.startTime - t0, paint: paint.startTime - t0 });
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }));
        firstPaint[tab] = { renderMs: Math.round(timing.render), paintMs: Math.round(timing.paint), hostFoldMs: Math.round(host.lastSnapshotMs), messageBytes: json.length };
        figure(ctx, `5,000 trials: first paint (${tab})`, timing.paint, 'ms', { atMost: 500 });
        assertEqual(await page.getAttribute('#app', 'data-trials'), '5000', 'all trials');
        if (tab === 'trials') {
          const rows = await page.locator('#trials-table .vt-body .vt-row').count();
          assert(rows < 80, `${rows} rows in the DOM`);
          await page.evaluate(() => { (document.querySelector('#trials-table .vt-viewport') as HTMLElement).scrollTop = 1e9; });
          await page.waitForSelector('#trials-table .vt-row[aria-rowindex="5001"]');
          let t = Date.now();
          await page.locator('#trial-filter input').fill('nor_conv_3x3');
          await page.waitForFunction(() => !document.querySelector('#trials-count')?.textContent?.startsWith('5,000 of'));
          const filterMs = Date.now() - t;
          t = Date.now();
          await page.click('#trials-table .vt-sort[data-sort="error"]');
          await page.waitForSelector('#trials-table .vt-cell[aria-sort="ascending"] [data-sort="error"]');
          const sortMs = Date.now() - t;
          firstPaint.table = { filterMs, sortMs, filtered: await page.textContent('#trials-count') };
          await page.screenshot({ path: shot(ctx, 'large-trials'), fullPage: true });
          for (const other of ['curves', 'correlation', 'llm', 'overview'] as const) {
            const started = Date.now();
            await showTab(page, other);
            firstPaint[`${other}TabMs`] = Date.now() - started;
            if (other === 'curves') assert((await canvasPixels(page, '#chart-curves')).painted > 20_000, 'large curves painted');
            await page.screenshot({ path: shot(ctx, `large-${other}`), fullPage: true });
          }
        }
        await assertClean(panel);
      });
    }
    ctx.report.large = firstPaint;
  });
}
