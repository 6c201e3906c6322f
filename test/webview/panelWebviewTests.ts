/**
 * Chromium tests of the study panel on recorded studies: every tab renders (DOM and painted canvas
 * pixels), selection shows "why this cell" with the right LLM calls, markup in an LLM reply stays
 * text, keyboard use, state across reload, theme switch recolours the charts, and the export
 * buttons, the header's "LLM unhealthy" line and the interrupted banner's Resume (speed: panelPerformanceTests.ts). Every page must end without CSP
 * violations, page errors or alerts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import { queryTrials } from '../../src/core/panel/trialQuery';
import { changedEdges } from '../../src/core/panel/cellPaths';
import { TRIAL_CSV_COLUMNS } from '../../src/core/study/csvExport';
import type { PanelModel } from '../../src/core/panel/panelModel';
import { StudyHeadlineFold } from '../../src/extension/studyHeadline';
import { INTERRUPTED_MESSAGE } from '../../src/extension/studySession';
import { MARKUP_REPLY_PREFIX, type RecordedStudies } from './recordedStudies';
import { THEMES, type StubWindow } from './vscodeThemeStub';
import { FakePanelHost } from './fakePanelHost';
import { assert, assertClean, assertEqual, canvasPixels, hexRgb, openPage, openPanel, settle, showTab, waitFor, waitReady, webviewTest, withPanel, type HarnessContext } from './webviewHarness';

const TABS = ['overview', 'trials', 'curves', 'cells', 'llm', 'correlation'] as const;

export function registerPanelTests(studies: RecordedStudies): void {
  const smallOptions = { companions: studies.companions, isoClassOf: studies.isoClassOf };
  const expectedSmall = modelOf(studies.small, smallOptions);
  const shot = (ctx: HarnessContext, name: string) => join(ctx.artifacts, `${name}.png`);

  webviewTest('small LLAMBO study: every tab renders its DOM and paints its charts', async (ctx) => {
    const panel = await openPanel(ctx, studies.small, smallOptions);
    const { page } = panel;
    const m = expectedSmall;
    try {
      assertEqual(m.overview.series.map((s) => [s.label, s.seeds]), [['llambo', 3], ['random', 3]], 'overview lines');
      const totals = await page.textContent('.overview-totals');
      assert(totals?.includes(`${m.overview.trials} `) || totals?.includes(String(m.overview.trials)), `totals show ${m.overview.trials} trials: ${totals}`);
      assert(totals?.includes('LLM requests') && totals.includes(String(m.overview.llm?.requests)), 'totals show LLM requests');
      const result = m.overview.result;
      assert(result !== null && totals?.includes(`trial ${result.trialId} · `) && totals.includes('Error at the last epoch (seed mean)') &&
        totals.includes(`${((result.finalError ?? NaN) * 100).toFixed(2)}%`) && totals.includes('Best at any epoch (secondary)'),
      `totals lead with the headline (returned trial ${result?.trialId}, seed mean ${result?.finalError}): ${totals}`);
      const badgeTitle = await page.getAttribute('.overview-badge .table-badge', 'title');
      assert(badgeTitle?.includes('model') && badgeTitle.includes('1-199'), `badge tooltip explains the model-generated epochs: ${badgeTitle}`);
      for (const chart of ['#chart-incumbent', '#chart-regret']) {
        const px = await canvasPixels(page, chart);
        assert(px.painted > 3000, `${chart} painted ${px.painted} pixels`);
      }
      await page.screenshot({ path: shot(ctx, 'small-overview'), fullPage: true });

      await showTab(page, 'trials');
      assertEqual(await page.textContent('#trials-count'), `${m.trials.length} of ${m.trials.length} trials`, 'row count');
      const rows = await page.locator('#trials-table .vt-body .vt-row').count();
      assert(rows > 10 && rows < 80, `virtualised: ${rows} rows in the DOM for ${m.trials.length} trials`);
      assert(await page.locator('#trials-table .vt-body .vt-row').first().locator('svg.cell-diagram.compact').count() === 1, 'rows carry a cell thumbnail');
      await page.screenshot({ path: shot(ctx, 'small-trials'), fullPage: true });

      await showTab(page, 'curves');
      const curves = await canvasPixels(page, '#chart-curves');
      assert(curves.painted > 8000, `curves painted ${curves.painted}`);
      assertEqual(await page.locator('#rung-ledger tbody tr').count(), Math.min(60, m.ledger.length), 'ledger rows');
      await page.screenshot({ path: shot(ctx, 'small-curves'), fullPage: true });

      await showTab(page, 'cells');
      assertEqual(await page.locator('#incumbent-path > li').count(), m.incumbentPath.length, 'incumbent path steps');
      assertEqual(await page.locator('#incumbent-path svg.cell-diagram').count(), m.incumbentPath.length, 'a diagram per step');
      assert(await page.locator('#cell-compare figure').count() >= 1, 'the incumbent is shown for comparison');
      await page.screenshot({ path: shot(ctx, 'small-cells'), fullPage: true });

      await showTab(page, 'llm');
      assertEqual(await page.locator('#llm-call-list .call-card').count(), Math.min(150, m.llmCalls.length), 'call cards');
      await page.screenshot({ path: shot(ctx, 'small-llm') });

      await showTab(page, 'correlation');
      assertEqual(await page.locator('#rung-pairs tbody tr').count(), m.correlation.length, 'rung pairs');
      assertEqual(await page.textContent('#rung-pairs tbody tr .spearman'), m.correlation[0].spearman?.toFixed(3), 'first Spearman');
      assert((await canvasPixels(page, '#chart-rung-scatter')).painted > 2000, 'rung scatter painted');
      assert(m.calibration.n > 10, `calibration has ${m.calibration.n} trials`);
      assert((await canvasPixels(page, '#chart-calibration')).painted > 2000, 'calibration painted');
      await page.screenshot({ path: shot(ctx, 'small-correlation'), fullPage: true });
      await assertClean(panel);
    } finally {
      await panel.close();
    }
  });

  webviewTest('header: an interrupted study whose LLM failed says "LLM unhealthy: …" and its banner\'s Resume asks the host', async (ctx) => {
    // The log a closed window leaves: everything up to (not including) studyFinished.
    const end = studies.failingLlm.findIndex((e) => e.type === 'studyFinished');
    const events = studies.failingLlm.slice(0, end < 0 ? studies.failingLlm.length : end);
    const unhealthy = new StudyHeadlineFold('panel-llambo-failing').addAll(events).llmUnhealthy;
    assert(unhealthy?.startsWith('LLM unhealthy: ') && unhealthy.includes('503'), `the host fold judges the 503s unhealthy: ${unhealthy}`);
    await withPanel(ctx, events, { isoClassOf: studies.isoClassOf, status: { status: 'interrupted', message: INTERRUPTED_MESSAGE } }, async (panel) => {
      const { page, host } = panel;
      assert(await page.isVisible('.llm-unhealthy'), 'the LLM line is shown');
      assertEqual(await page.textContent('.llm-unhealthy'), `⚠ ${unhealthy}`, 'the header says why the LLM is unhealthy');
      assertEqual(await page.textContent('.study-status'), 'interrupted', 'the status pill (the message is in the banner)');
      assert(await page.isVisible('.interrupted-banner #resume-study'), 'the banner has a Resume button');
      assertEqual(await page.textContent('.interrupted-text'), INTERRUPTED_MESSAGE, 'the banner says what happened');
      await page.screenshot({ path: shot(ctx, 'header-interrupted-unhealthy') });
      assertEqual(host.commands.filter((c) => c.method === 'webview/resumeStudy').length, 0, 'nothing sent before the click');
      await page.click('#resume-study');
      await waitFor(() => host.commands.some((c) => c.method === 'webview/resumeStudy'));
      assertEqual(host.commands.map((c) => c.method), ['webview/resumeStudy'], 'one resume command, nothing else');
      await page.waitForFunction(() => document.querySelector('.status-line')?.textContent === 'Resuming the study…');
      // The resumed study starts over: the host sends a running headline, and the banner goes.
      const model = host.modelMessage();
      if (model.method !== 'panel/model') throw new Error('the fake host answers with panel/model');
      await host.post({ method: 'panel/model', params: { ...model.params, headline: { ...model.params.headline, status: 'running', message: undefined } } });
      await page.waitForSelector('.interrupted-banner', { state: 'hidden' });
      assertEqual(await page.textContent('.study-status'), 'running', 'running again');
      await page.setViewportSize({ width: 320, height: 800 });
      await settle(page);
      await host.post(model);
      await page.waitForSelector('.interrupted-banner #resume-study', { state: 'visible' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assertEqual(overflow, 0, 'at 320 px the header wraps instead of scrolling sideways');
      await page.screenshot({ path: shot(ctx, 'header-interrupted-unhealthy-320px'), fullPage: true });
      await assertClean(panel);
    });
  });

  webviewTest('header of a finished study whose LLM answered: no LLM warning, no Resume', async (ctx) => {
    await withPanel(ctx, studies.small, smallOptions, async (panel) => {
      const { page } = panel;
      assertEqual(await page.textContent('.study-status'), 'finished', 'finished');
      assert(!(await page.isVisible('.llm-unhealthy')), 'no LLM line for a healthy LLM');
      assert(!(await page.isVisible('#resume-study')), 'no Resume for a finished study');
      await assertClean(panel);
    });
  });

  webviewTest('selecting a trial shows its cell, its curve and the LLM calls that produced it', async (ctx) => {
    const trial = expectedSmall.trials.find((t) => t.source === 'llambo' && t.callIds.length >= 2 && t.epochs >= 3);
    assert(trial, 'a LLAMBO-proposed trial that trained past its first rung');
    await withPanel(ctx, studies.small, smallOptions, async (panel) => {
      const { page } = panel;
      await showTab(page, 'trials');
      await page.locator('#trial-filter input').fill(`#${trial.id}`);
      await page.waitForFunction(() => document.querySelectorAll('#trials-table .vt-body .vt-row').length === 1);
      await page.click('#trials-table .vt-body .vt-row');
      await page.waitForSelector('#why-this-cell');
      assertEqual(await page.textContent('#trial-detail h2'), `Trial #${trial.id}`, 'detail heading');
      const shown = await page.$$eval('#why-this-cell .call-card', (cards) => cards.map((c) => (c as HTMLElement).dataset.callId));
      assertEqual([...shown].sort(), [...trial.callIds].sort(), 'why this cell lists exactly the trial\'s calls');
      const components = await page.$$eval('#why-this-cell .call-component', (els) => els.map((e) => e.textContent));
      assert(components.includes('sampler') && components.includes('surrogate'), `sampler and surrogate calls: ${components.join(',')}`);
      assert((await page.textContent('.why-source'))?.includes('surrogate predicted'), 'the prediction is explained');
      assert((await page.locator('#trial-detail svg.cell-diagram').count()) === 1, 'the cell diagram');
      assert((await canvasPixels(page, '#chart-trial-curve')).painted > 1000, 'the learning curve painted');
      await page.click('#why-this-cell .call-summary >> nth=0');
      await page.waitForSelector('#why-this-cell .reply-text');
      const callId = shown[0] as string;
      assertEqual(await page.textContent('#why-this-cell .reply-text'), panel.host.builder.llmCallText(callId)?.reply, 'the reply, verbatim');
      await page.screenshot({ path: shot(ctx, 'small-trial-selected') });

      await page.click('#compare-with-incumbent');
      await page.waitForSelector('#app[data-tab="cells"]');
      await settle(page);
      const incumbent = expectedSmall.trials.find((t) => t.id === expectedSmall.overview.incumbent?.trialId);
      assert(incumbent, 'the incumbent trial');
      const differ = changedEdges(incumbent.ops, trial.ops);
      assertEqual(await page.textContent('#cell-diff h4'), `${differ.length} of 6 edges differ`, 'diff count');
      assertEqual(await page.locator('#cell-compare figure.second path.edge.changed').count(), differ.length, 'changed edges highlighted');
      assertEqual(await page.$$eval('#cell-compare figure', (figs) => figs.map((f) => (f as HTMLElement).dataset.trialId)), [String(incumbent.id), String(trial.id)], 'incumbent against the selected trial');
      await page.screenshot({ path: shot(ctx, 'small-cells-compare'), fullPage: true });
      await assertClean(panel);
    });
  });

  webviewTest('an LLM reply with <img onerror> and <script> is shown as inert text', async (ctx) => {
    await withPanel(ctx, studies.small, smallOptions, async (panel) => {
      const { page } = panel;
      await showTab(page, 'llm');
      await page.locator('#llm-search input').fill('onerror');
      await page.waitForFunction(() => document.querySelector('#llm-count')?.textContent?.startsWith('1 of'));
      const snippet = await page.textContent('#llm-call-list .call-snippet');
      assert(snippet?.includes('<img src=x onerror=alert(1)>'), `the snippet shows the markup as text: ${snippet}`);
      await page.click('#llm-call-list .call-summary');
      await page.waitForSelector('#llm-call-list .reply-text');
      const reply = await page.textContent('#llm-call-list .reply-text');
      assert(reply?.startsWith(MARKUP_REPLY_PREFIX), `reply text starts with the markup: ${reply?.slice(0, 120)}`);
      await settle(page);
      // The page's scripts are its own: the panel bundle inline and chart.js, which it loads after the first paint.
      const dom = await page.evaluate(() => ({
        images: document.querySelectorAll('img').length,
        scripts: Array.from(document.querySelectorAll('script')).map((s) => (s.src ? new URL(s.src).pathname : 'inline')).sort(),
      }));
      assertEqual(dom, { images: 0, scripts: ['/bundle/charts.js', 'inline'] }, 'no element was made from the reply');
      assert(!ctx.server.requests.includes('/x'), 'nothing tried to load /x');
      const callId = await page.getAttribute('#llm-call-list .call-card', 'data-call-id');
      await page.click('#llm-call-list vscode-button:has-text("Copy reply")');
      await page.click('#llm-call-list vscode-button:has-text("Open as editor tab")');
      await page.waitForFunction(() => document.querySelector('.status-line')?.textContent?.startsWith('Copied'));
      await new Promise((r) => setTimeout(r, 100));
      assertEqual<unknown>(panel.host.commands.map((c) => [c.method, (c.params as { callId?: string }).callId]),
        [['webview/copyLlmCall', callId], ['webview/openLlmCall', callId]], 'copy and open go to the host');
      assertEqual(panel.host.clipboard, [reply], 'the host copies the reply verbatim');
      assert(panel.host.openedDocuments[0]?.includes(MARKUP_REPLY_PREFIX), 'the editor tab shows the reply');
      await page.screenshot({ path: shot(ctx, 'small-llm-markup') });
      await assertClean(panel);
    });
  });

  webviewTest('keyboard: arrow keys move the table selection and switch tabs; Enter opens the table badge', async (ctx) => {
    await withPanel(ctx, studies.small, smallOptions, async (panel) => {
      const { page } = panel;
      await showTab(page, 'trials');
      await page.focus('#trials-table .vt-viewport');
      const selected = () => page.getAttribute('#trials-table .vt-row[aria-selected="true"]', 'data-id');
      await page.keyboard.press('Home');
      await page.waitForSelector('#trials-table .vt-row[aria-selected="true"]');
      const ids = expectedSmall.trials.map((t) => t.id).sort((a, b) => a - b);
      assertEqual(await selected(), String(ids[0]), 'Home selects the first row');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((id) => document.querySelector('#trials-table .vt-row[aria-selected="true"]')?.getAttribute('data-id') === id, String(ids[2]));
      assertEqual(await page.textContent('#trial-detail h2'), `Trial #${ids[2]}`, 'detail follows');
      await page.keyboard.press('End');
      await page.waitForFunction((id) => document.querySelector('#trials-table .vt-row[aria-selected="true"]')?.getAttribute('data-id') === id, String(ids[ids.length - 1]));
      const active = await page.getAttribute('#trials-table', 'aria-activedescendant');
      assertEqual(active, `trials-table-row-${ids[ids.length - 1]}`, 'grid points at the selected row');
      await page.focus('#tab-trials');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('#app[data-tab="curves"]');
      await page.focus('.panel-header .table-badge');
      await page.keyboard.press('Enter');
      assertEqual(await page.getAttribute('.panel-header .table-badge', 'aria-expanded'), 'true', 'badge detail opens with Enter');
      await assertClean(panel);
    });
  });

  webviewTest('tab, selection and filters survive a reload (VS Code reloads a hidden webview)', async (ctx) => {
    await withPanel(ctx, studies.small, smallOptions, async (panel) => {
      const { page } = panel;
      await showTab(page, 'trials');
      const filter = 'avg_pool_3x3 skip';
      const matching = queryTrials(expectedSmall.trials, { text: filter, status: 'all', fallbackOnly: false, sort: { column: 'id', descending: false } }).length;
      assert(matching > 3 && matching < expectedSmall.trials.length, `the filter keeps some rows (${matching})`);
      await page.locator('#trial-filter input').fill(filter);
      await page.waitForFunction((n) => document.querySelector('#trials-count')?.textContent?.startsWith(`${n} of`), matching);
      await page.click('#trials-table .vt-body .vt-row >> nth=2');
      const id = await page.getAttribute('#trials-table .vt-row[aria-selected="true"]', 'data-id');
      const count = await page.textContent('#trials-count');
      await page.reload();
      await waitReady(page);
      await settle(page);
      assertEqual(await page.getAttribute('#app', 'data-tab'), 'trials', 'tab');
      assertEqual(await page.locator('#trial-filter').evaluate((e) => (e as HTMLInputElement).value), filter, 'filter');
      assertEqual(await page.textContent('#trials-count'), count, 'filtered rows');
      assertEqual(await page.getAttribute('#trials-table .vt-row[aria-selected="true"]', 'data-id'), id, 'selection');
      assertEqual(await page.textContent('#trial-detail h2'), `Trial #${id}`, 'detail');
      const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('__vscodeState') ?? 'null'));
      assertEqual(saved.studyId, 'panel-llambo-s0', 'the study id the panel serializer needs is in the state');
      assertEqual(panel.host.readies, 2, 'the reloaded panel said ready again');
      await assertClean(panel);
    });
  });

  webviewTest('the first paint shows the facts before chart.js has loaded; the charts draw when it arrives, in boxes of the same size', async (ctx) => {
    let release = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    let host: FakePanelHost | undefined;
    const opened = await openPage(ctx, ctx.server.url, async (page) => {
      host = new FakePanelHost(page, studies.small, smallOptions);
      await host.attach();
      // chart.js is held back until the first paint has been checked.
      await page.route('**/bundle/charts.js', async (route) => { await held; await route.continue(); });
    }, { waitReady: false });
    const { page } = opened;
    try {
      await page.waitForSelector('#app[data-ready="true"]');
      assert(host && host.readies === 1, 'the panel said ready once');
      assert((await page.textContent('.overview-totals'))?.includes('Returned architecture'), 'the facts are on the first paint');
      const before = await page.evaluate(() => ({
        loaded: performance.getEntriesByName('panel:charts-loaded').length,
        boxes: Array.from(document.querySelectorAll('.chart-canvas, .overview-totals')).map((e) => { const r = e.getBoundingClientRect(); return [r.top, r.height]; }),
      }));
      assertEqual(before.loaded, 0, 'chart.js has not loaded at the first paint');
      assertEqual((await canvasPixels(page, '#chart-incumbent')).painted, 0, 'the chart is not drawn yet');
      await page.screenshot({ path: shot(ctx, 'first-paint-before-charts'), fullPage: true });
      release();
      await page.waitForSelector('body[data-charts="ready"]');
      assert((await canvasPixels(page, '#chart-incumbent')).painted > 3000, 'the chart draws once chart.js is in');
      const boxes = await page.evaluate(() => Array.from(document.querySelectorAll('.chart-canvas, .overview-totals')).map((e) => { const r = e.getBoundingClientRect(); return [r.top, r.height]; }));
      assertEqual(boxes, before.boxes, 'the charts and facts keep their place (no layout jump)');
      await assertClean(opened);
    } finally {
      release();
      await opened.close();
    }
  });

  webviewTest('a theme switch recolours the charts', async (ctx) => {
    await withPanel(ctx, studies.small, smallOptions, async (panel) => {
      const { page } = panel;
      const darkBlue = hexRgb(THEMES.dark['--vscode-charts-blue']);
      const lightBlue = hexRgb(THEMES.light['--vscode-charts-blue']);
      const before = { dark: (await canvasPixels(page, '#chart-incumbent', darkBlue, 6)).matching, light: (await canvasPixels(page, '#chart-incumbent', lightBlue, 6)).matching };
      const renders = Number(await page.getAttribute('#app', 'data-renders'));
      await page.evaluate(() => (window as unknown as StubWindow).__setTheme('light'));
      await page.waitForFunction((n) => Number(document.getElementById('app')?.dataset.renders) > n, renders);
      await settle(page);
      const after = { dark: (await canvasPixels(page, '#chart-incumbent', darkBlue, 6)).matching, light: (await canvasPixels(page, '#chart-incumbent', lightBlue, 6)).matching };
      ctx.report.themeSwitchPixels = { before, after };
      assert(before.dark > 200 && before.light < before.dark / 10, `dark theme draws in dark blue: ${JSON.stringify(before)}`);
      assert(after.light > 200 && after.dark < after.light / 10, `light theme draws in light blue: ${JSON.stringify(after)}`);
      await page.screenshot({ path: shot(ctx, 'small-overview-light'), fullPage: true });
      await showTab(page, 'trials');
      await page.click('#trials-table .vt-body .vt-row >> nth=0');
      await page.waitForSelector('#trial-detail svg.cell-diagram');
      await page.screenshot({ path: shot(ctx, 'small-trials-light'), fullPage: true });
      await assertClean(panel);
    });
  });

  webviewTest('export buttons send PNG, SVG and CSV files to the host', async (ctx) => {
    await withPanel(ctx, studies.small, smallOptions, async (panel) => {
      const { page, host } = panel;
      await page.click('#export-incumbent-png');
      await page.click('#export-incumbent-svg');
      await waitFor(() => host.savedFiles.length === 2);
      const [png, svg] = host.savedFiles;
      assertEqual([png.fileName, png.kind, png.encoding], ['panel-llambo-s0-incumbent.png', 'png', 'base64'], 'png file');
      const pngBytes = Buffer.from(png.data, 'base64');
      assertEqual([...pngBytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'PNG signature');
      assert(svg.data.startsWith('<svg') && svg.data.includes('llambo (IQM of 3 seeds') && svg.data.includes('<polygon'), 'SVG with the lines and the band');
      writeFileSync(join(ctx.artifacts, 'export-incumbent.png'), pngBytes);
      writeFileSync(join(ctx.artifacts, 'export-incumbent.svg'), svg.data);
      // Render the exported SVG on its own (outside the panel) to look at it.
      const viewer = await page.context().newPage();
      await viewer.setContent(svg.data);
      await viewer.screenshot({ path: shot(ctx, 'export-incumbent-svg-rendered') });
      await viewer.close();
      await showTab(page, 'trials');
      await page.locator('#trial-filter input').fill('llambo');
      await page.waitForFunction(() => !document.querySelector('#trials-count')?.textContent?.startsWith(document.getElementById('app')?.dataset.trials + ' of'));
      const shown = Number((await page.textContent('#trials-count'))?.split(' ')[0].replace(/,/g, ''));
      await page.click('#export-trials-csv');
      await waitFor(() => host.savedFiles.length === 3);
      const csv = host.savedFiles[2];
      const lines = csv.data.trimEnd().split('\n');
      assert(lines[0] === TRIAL_CSV_COLUMNS.join(','), 'CSV header: the export module\'s columns');
      assert(lines.slice(1).every((line) => line.includes('nb201-c10-mf')), 'every row names its table');
      assertEqual(lines.length - 1, shown, 'the CSV holds the filtered rows');
      await page.waitForFunction(() => document.querySelector('.status-line')?.textContent?.startsWith('Saved nas-results/'));
      await assertClean(panel);
    });
  });

  webviewTest('a study without an LLM says so in the LLM and calibration views', async (ctx) => {
    await withPanel(ctx, studies.large.slice(0, 4000), { isoClassOf: studies.isoClassOf }, async (panel) => {
      const { page } = panel;
      for (const tab of TABS) await showTab(page, tab);
      await showTab(page, 'llm');
      assert((await page.textContent('#llm-call-list'))?.includes('made no LLM calls'), 'LLM tab explains');
      await showTab(page, 'correlation');
      assert((await page.textContent('.calibration-facts'))?.includes('only LLAMBO predicts'), 'calibration explains');
      assertEqual(await page.textContent('.study-status'), 'running', 'an unfinished log is a running study');
      // A narrow editor group: the layout must still hold together.
      await page.setViewportSize({ width: 760, height: 900 });
      for (const tab of ['overview', 'trials'] as const) {
        await showTab(page, tab);
        await page.screenshot({ path: shot(ctx, `narrow-${tab}`) });
      }
      await assertClean(panel);
    });
  });
}

function modelOf(events: Parameters<PanelModelBuilder['add']>[0], options: ConstructorParameters<typeof PanelModelBuilder>[0]): PanelModel {
  const builder = new PanelModelBuilder(options);
  builder.add(events);
  return builder.snapshot();
}
