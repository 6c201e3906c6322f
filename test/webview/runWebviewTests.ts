/**
 * Entry of the Chromium tests (bundled and run by scripts/test-webview.mjs): records the studies into
 * a temp folder, serves the panel bundle under the extension's CSP, runs the tests in headless
 * Chromium and returns the counts; figures go to test-artifacts/webview/report.json. With `bench`, only
 * the live-load tests run, for `npm run bench` (their figures are printed next to their targets either way).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { registerChartTests } from './chartWebviewTests';
import { registerComparisonTests } from './comparisonWebviewTests';
import { registerPerformanceTests, type PanelFigure } from './panelPerformanceTests';
import { registerPanelTests } from './panelWebviewTests';
import { startPanelServer } from './panelTestPage';
import { recordStudies } from './recordedStudies';
import { runRegistered } from './webviewHarness';

export interface WebviewTestOptions {
  readonly root: string;
  readonly bundleDir: string;
  readonly chromiumPath: string;
  /** Only the live-load tests (`npm run bench`). */
  readonly bench?: boolean;
  /** Only the tests whose name contains this. */
  readonly only?: string;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function runWebviewTests(options: WebviewTestOptions): Promise<{ passed: number; failed: number }> {
  const artifacts = join(options.root, 'test-artifacts', 'webview');
  mkdirSync(artifacts, { recursive: true });
  const temp = mkdtempSync(join(tmpdir(), 'nas-webview-'));
  const report: Record<string, unknown> = {};
  const server = await startPanelServer({ bundleDir: options.bundleDir, mediaDir: join(options.root, 'media') });
  const browser = await chromium.launch({ executablePath: options.chromiumPath, headless: true, args: CHROMIUM_ARGS });
  try {
    const studies = await recordStudies(join(temp, 'studies'));
    report.studies = {
      small: { events: studies.small.length, trials: studies.small.filter((e) => e.type === 'trialStarted').length, llmCalls: studies.small.filter((e) => e.type === 'llmCall').length, recordSeconds: +studies.seconds.small.toFixed(2) },
      large: { events: studies.large.length, trials: studies.large.filter((e) => e.type === 'trialStarted').length, recordSeconds: +studies.seconds.large.toFixed(2) },
    };
    if (!options.bench) {
      registerPanelTests(studies);
      registerChartTests(studies);
      registerComparisonTests();
    }
    registerPerformanceTests(studies);
    const counts = await runRegistered({ browser, server, artifacts, report }, options.only);
    writeFileSync(join(artifacts, options.bench ? 'bench.json' : 'report.json'), JSON.stringify(report, null, 2));
    console.log(`report: ${JSON.stringify(report)}`);
    for (const line of figureLines((report.figures ?? []) as PanelFigure[])) console.log(line);
    return counts;
  } finally {
    await browser.close();
    await server.close();
    rmSync(temp, { recursive: true, force: true });
  }
}

/** "panel: <name> <value> <unit>  target <= <max> <unit>: ok" (or OVER / UNDER TARGET); information, never a failure. */
function figureLines(figures: readonly PanelFigure[]): string[] {
  return figures.map(({ name, value, unit, target }) => {
    const [bound, verdict] = 'atMost' in target
      ? [`<= ${target.atMost}`, value <= target.atMost ? 'ok' : 'OVER TARGET']
      : [`>= ${target.atLeast}`, value >= target.atLeast ? 'ok' : 'UNDER TARGET'];
    return `panel: ${name} ${value} ${unit}  target ${bound} ${unit}: ${verdict}`;
  });
}
