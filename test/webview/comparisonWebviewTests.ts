/**
 * Chromium tests of the comparison panel (webview/comparisonApp.ts) over a real comparison on the
 * bundled table (runComparison, as the CLI runs it): the table shows the summary's numbers in rank
 * order with every seed as a dot, both charts draw their lines, the few-seeds note is visible with
 * three seeds and absent with five, the table's honesty note is there, and Export asks the host for
 * the report, which the fake host writes with the extension's own comparisonReportFiles. A comparison
 * of LLAMBO (a plain-function oracle double, not an LLM) with modelled latency against random shows the
 * LLM and delay columns in a second table, and the time to the target error with the target.
 * Screenshots go to test-artifacts/webview/comparison-*.png.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { parseCompareEntries, runComparison } from '../../src/core/study/compareRunner';
import { columnText, intervalText, splitColumns, TIME_TO_TARGET_KEY } from '../../src/core/study/comparisonMetrics';
import { formatError } from '../../src/core/study/resultFormat';
import { COMPARISON_REPORT_FILE, comparisonReportFiles } from '../../src/core/study/comparisonReport';
import type { ComparisonView, HostToWebviewMessage, SaveFileParams, WebviewToHostMessage } from '../../src/protocol';
import { benchmarkOracle, UNUSED_ENDPOINT } from '../support/llamboStudyHarness';
import { fakeChat, oracleReplier } from '../support/llmResponders';
import { THEMES } from './vscodeThemeStub';
import { assert, assertClean, assertEqual, canvasPixels, hexRgb, openPage, settle, waitFor, webviewTest, type HarnessContext } from './webviewHarness';

/** The extension's ComparisonPanel, for the page: the view after ready, saved files and the report into a temp folder. */
class FakeComparisonHost {
  readonly received: WebviewToHostMessage[] = [];
  readonly savedFiles: SaveFileParams[] = [];
  readonly folder = mkdtempSync(join(tmpdir(), 'nas-comparison-'));

  constructor(private readonly page: Page, private readonly view: ComparisonView) {}

  async attach(): Promise<void> {
    await this.page.exposeFunction('__toHost', (message: unknown) => { void this.receive(message as WebviewToHostMessage); });
  }

  dispose(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async post(message: HostToWebviewMessage): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  private async receive(message: WebviewToHostMessage): Promise<void> {
    this.received.push(message);
    switch (message.method) {
      case 'webview/ready':
        await this.post({ method: 'comparison/model', params: this.view });
        await this.post({ method: 'panel/theme', params: { kind: 'dark' } });
        return;
      case 'panel/saveFile':
        this.savedFiles.push(message.params);
        await this.post({ method: 'panel/saveFile/response', id: message.id, result: { path: `nas-results/comparison/${message.params.fileName}` } });
        return;
      case 'comparison/exportReport':
        for (const [name, text] of Object.entries(comparisonReportFiles(this.view.summary, this.view))) writeFileSync(join(this.folder, name), text);
        await this.post({ method: 'comparison/exportReport/response', id: message.id, result: { path: `nas-results/comparison/${COMPARISON_REPORT_FILE}` } });
        return;
      default:
    }
  }
}

async function comparisonView(seeds: number): Promise<ComparisonView> {
  const result = await runComparison({
    benchmark: loadTable(), entries: parseCompareEntries('random,rea,bohb', 'sync-hyperband'),
    seeds: Array.from({ length: seeds }, (_, i) => i), baseSpec: { workers: 4, hours: 3 },
  });
  return { title: `Searcher comparison (${seeds} seeds)`, setup: `random, rea, bohb · 3 h simulated · 4 workers · seeds 0-${seeds - 1}`, summary: result.summary };
}

/** LLAMBO on the oracle double (a plain function, not an LLM) at 10 modelled s per request, against random, 5 seeds. */
async function llmComparisonView(): Promise<ComparisonView> {
  const benchmark = loadTable();
  const result = await runComparison({
    benchmark, entries: parseCompareEntries('llambo,random', 'sync-hyperband'), seeds: [0, 1, 2, 3, 4],
    baseSpec: { workers: 4, hours: 3, llm: UNUSED_ENDPOINT, decisionTime: { mode: 'modelled', secondsPerLlmCall: 10, secondsPerSuggestion: 0 } },
    llm: { chat: fakeChat(oracleReplier(benchmarkOracle(benchmark))) },
  });
  return { title: 'LLAMBO vs random (5 seeds, oracle double)', setup: 'llambo, random · 3 h simulated · 4 workers · modelled 10 s per LLM request', summary: result.summary };
}

async function openComparison(ctx: HarnessContext, view: ComparisonView, viewport?: { width: number; height: number }) {
  let host: FakeComparisonHost | undefined;
  const opened = await openPage(ctx, ctx.server.comparisonUrl, async (page) => {
    host = new FakeComparisonHost(page, view);
    await host.attach();
  }, viewport ? { viewport } : {});
  const fake = host as FakeComparisonHost;
  return { ...opened, host: fake, close: async () => { fake.dispose(); await opened.close(); } };
}

export function registerComparisonTests(): void {
  const shot = (ctx: HarnessContext, name: string) => join(ctx.artifacts, `comparison-${name}.png`);

  webviewTest('comparison: the table, the charts and the notes show the summary of three seeds', async (ctx) => {
    const view = await comparisonView(3);
    const panel = await openComparison(ctx, view);
    const { page } = panel;
    try {
      const { summary } = view;
      const rows = await page.$$eval('#comparison-table tbody tr', (trs) => trs.map((tr) => ({
        entry: tr.getAttribute('data-entry'),
        cells: Array.from(tr.querySelectorAll('td[data-column]')).map((td) => [td.getAttribute('data-column'), td.textContent]),
        dots: tr.querySelectorAll('circle.seed-dot').length,
      })));
      const byRank = [...summary.entries].sort((a, b) => a.rank - b.rank);
      assertEqual(rows.map((r) => r.entry), byRank.map((e) => e.label), 'rows in rank order');
      for (const [i, entry] of byRank.entries()) {
        assertEqual(rows[i].cells, splitColumns(summary.columns).result.map((c) => [c.key, columnText(c, entry.metrics[c.key])]), `${entry.label}: the summary's IQM and CI per column`);
        assertEqual(rows[i].dots, entry.perSeed.filter((p) => p.values.finalError !== null).length, `${entry.label}: one dot per seed`);
      }
      const note = page.locator('#comparison-few-seeds');
      assert(await note.isVisible(), 'the few-seeds note is visible');
      assertEqual(await note.textContent(), summary.fewSeedsNote, 'the few-seeds note is the summary\'s');
      assert(/epochs 1–199 are model-generated/.test(await page.textContent('#comparison-table-note') ?? ''), 'the honesty note names the model-generated epochs');
      assert(await page.isVisible('.table-badge'), 'the table badge is shown');
      assertEqual(await page.locator('#comparison-llm-table').count(), 0, 'no LLM entry: no LLM table');
      for (const [i, chart] of ['#chart-comparison-iqm', '#chart-comparison-rank'].entries()) {
        const colours = [THEMES.dark['--vscode-charts-blue'], THEMES.dark['--vscode-charts-orange'], THEMES.dark['--vscode-charts-green']];
        const counts: number[] = [];
        for (const colour of colours) counts.push((await canvasPixels(page, chart, hexRgb(colour), 8)).matching);
        assert(counts.every((n) => n > 30), `${chart} (${i}): every entry's line is drawn: ${counts.join(', ')}`);
      }
      await page.screenshot({ path: shot(ctx, 'three-seeds'), fullPage: true });
      await assertClean(panel);
    } finally {
      await panel.close();
    }
  });

  webviewTest('comparison: Export writes the report with the same numbers; a chart saves as SVG', async (ctx) => {
    const view = await comparisonView(3);
    const panel = await openComparison(ctx, view);
    const { page, host } = panel;
    try {
      await page.click('#comparison-export');
      await page.waitForFunction(() => /Report written to/.test(document.querySelector('.status-line')?.textContent ?? ''));
      assert(host.received.some((m) => m.method === 'comparison/exportReport'), 'the panel asked the host for the report');
      const report = readFileSync(join(host.folder, COMPARISON_REPORT_FILE), 'utf8');
      for (const entry of view.summary.entries) {
        const text = intervalText('error', entry.metrics.finalError);
        assert(report.includes(text), `the report has ${entry.label}'s ${text}`);
        assert((await page.textContent(`#comparison-table tr[data-entry="${entry.label}"] td[data-column="finalError"]`)) === text, 'and so does the panel');
      }
      await page.click('#export-comparison-iqm-svg');
      await waitFor(() => host.savedFiles.length > 0);
      assertEqual(host.savedFiles[0].kind, 'svg', 'the chart is saved as SVG');
      assert(host.savedFiles[0].data.startsWith('<svg') && host.savedFiles[0].data.includes('rea'), 'an SVG with the lines');
      await assertClean(panel);
    } finally {
      await panel.close();
    }
  });

  webviewTest('comparison: five seeds need no few-seeds note; at 420 px nothing scrolls sideways', async (ctx) => {
    const view = await comparisonView(5);
    const panel = await openComparison(ctx, view, { width: 420, height: 900 });
    const { page } = panel;
    try {
      assertEqual(view.summary.fewSeeds, false, 'five seeds are enough');
      assertEqual(await page.locator('#comparison-few-seeds').count(), 0, 'no few-seeds note');
      await settle(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(overflow <= 0, `the page does not scroll sideways (${overflow} px too wide)`);
      await page.screenshot({ path: shot(ctx, 'five-seeds-narrow'), fullPage: true });
      await assertClean(panel);
    } finally {
      await panel.close();
    }
  });

  webviewTest('comparison: LLAMBO\'s LLM and delay columns in a second table, the time to the target with the target', async (ctx) => {
    const view = await llmComparisonView();
    const panel = await openComparison(ctx, view, { width: 1280, height: 1000 });
    const { page } = panel;
    try {
      const { summary } = view;
      const { result, llm } = splitColumns(summary.columns);
      const header = await page.$$eval('#comparison-table thead th', (ths) => ths.map((th) => th.textContent));
      assert(header.includes(`time to ≤ ${formatError(summary.targetError)}`), `the results table names the target: ${header.join(' | ')}`);
      assert(!header.some((h) => h === 'LLM requests'), 'the LLM columns are not in the results table');
      const figures = await page.$$eval('#comparison-llm-table tbody tr[data-column]', (trs) => trs.map((tr) => [
        tr.getAttribute('data-column'), Array.from(tr.querySelectorAll('td[data-entry]')).map((td) => [td.getAttribute('data-entry'), td.textContent]),
      ]));
      const llambo = summary.entries.find((e) => e.label === 'llambo')!;
      assertEqual(await page.$$eval('#comparison-llm-table thead th', (ths) => ths.map((th) => th.textContent)), ['per study', 'llambo'], 'only the LLM entry has a column');
      assertEqual(figures, llm.map((c) => [c.key, [['llambo', columnText(c, llambo.metrics[c.key])]]]), 'the summary\'s IQM and CI per LLM and delay figure');
      assert((llambo.metrics.chargedSeconds.iqm ?? 0) > 0 && (llambo.metrics.llmRequests.iqm ?? 0) > 0, 'modelled latency: the delay was charged');
      for (const entry of summary.entries) {
        const cell = await page.textContent(`#comparison-table tr[data-entry="${entry.label}"] td[data-column="${TIME_TO_TARGET_KEY}"]`);
        assertEqual(cell, columnText(result.find((c) => c.key === TIME_TO_TARGET_KEY)!, entry.metrics[TIME_TO_TARGET_KEY]), `${entry.label}: time to target`);
      }
      assert(/Time to ≤ \d+\.\d\d%/.test(await page.textContent('#comparison-table caption') ?? ''), 'the caption says what the time to target measures');
      await settle(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(overflow <= 0, `the page does not scroll sideways (${overflow} px too wide)`);
      await page.locator('#comparison-llm-table').scrollIntoViewIfNeeded();
      await page.screenshot({ path: shot(ctx, 'llm-columns'), fullPage: true });
      await assertClean(panel);
    } finally {
      await panel.close();
    }
  });
}
