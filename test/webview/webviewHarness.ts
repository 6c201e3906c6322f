/**
 * A small harness for the Chromium tests of the panel: named async tests run one after another, each
 * page opened the way VS Code opens a webview (stubbed API, theme variables, exact CSP) and checked at
 * the end for CSP violations, page errors and alerts; plus page helpers (canvas pixels, tabs).
 */
import type { Browser, Page } from 'playwright-core';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { FakePanelHost, type FakePanelHostOptions } from './fakePanelHost';
import type { PanelTestServer } from './panelTestPage';
import { installVsCodeStub, THEMES, type StubWindow, type ThemeKind } from './vscodeThemeStub';

export interface HarnessContext {
  readonly browser: Browser;
  readonly server: PanelTestServer;
  readonly artifacts: string;
  /** Figures to report (timings, sizes). */
  readonly report: Record<string, unknown>;
}

export interface OpenPanel {
  readonly page: Page;
  readonly host: FakePanelHost;
  readonly errors: string[];
  close(): Promise<void>;
}

type TestFn = (ctx: HarnessContext) => Promise<void>;

/** How long any wait may take before it counts as a hang: a guard against a stuck page, never a speed claim. */
export const HANG_GUARD_MS = 60_000;
const registered: { name: string; fn: TestFn }[] = [];

export function webviewTest(name: string, fn: TestFn): void {
  registered.push({ name, fn });
}

/** Runs the registered tests one after another; with `only` ("a|b"), those whose name contains a or b. */
export async function runRegistered(ctx: HarnessContext, only?: string): Promise<{ passed: number; failed: number }> {
  let passed = 0, failed = 0;
  const wanted = (name: string) => only === undefined || only.split('|').some((part) => name.includes(part));
  for (const { name, fn } of registered.filter((t) => wanted(t.name))) {
    const started = Date.now();
    try {
      await fn(ctx);
      passed++;
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed++;
      console.log(`  ✗ ${name} (${Date.now() - started} ms)\n    ${error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 6).join('\n    ') : String(error)}`);
    }
  }
  return { passed, failed };
}

type OpenPanelOptions = FakePanelHostOptions & { theme?: ThemeKind; waitReady?: boolean; viewport?: { width: number; height: number } };

export async function openPanel(ctx: HarnessContext, events: StudyEvent[], options: OpenPanelOptions = {}): Promise<OpenPanel> {
  let host: FakePanelHost | undefined;
  const opened = await openPage(ctx, ctx.server.url, async (page) => {
    host = new FakePanelHost(page, events, options);
    await host.attach();
  }, options);
  return { ...opened, host: host as FakePanelHost };
}

/** Opens a panel on `events`, runs `body` on it and closes it whatever `body` did. */
export async function withPanel(
  ctx: HarnessContext, events: StudyEvent[], options: OpenPanelOptions, body: (panel: OpenPanel) => Promise<void>,
): Promise<void> {
  const panel = await openPanel(ctx, events, options);
  try {
    await body(panel);
  } finally {
    await panel.close();
  }
}

export interface OpenPage {
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

/**
 * Opens `url` the way VS Code opens a webview: `attach` wires the fake host to the page first, then the
 * stubbed API and theme go in before the page's scripts run. Errors, CSP reports and dialogs are collected.
 */
export async function openPage(
  ctx: HarnessContext, url: string, attach: (page: Page) => Promise<void>,
  options: { theme?: ThemeKind; waitReady?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<OpenPage> {
  const context = await ctx.browser.newContext({ viewport: options.viewport ?? { width: 1500, height: 950 } });
  // Every Playwright wait on this page (selectors, functions, clicks) gets the hang guard, not its 30 s default.
  context.setDefaultTimeout(HANG_GUARD_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) errors.push(`csp console: ${message.text()}`);
    else if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  page.on('dialog', (dialog) => { errors.push(`dialog: ${dialog.message()}`); void dialog.dismiss(); });
  await attach(page);
  await page.addInitScript(installVsCodeStub, { themes: THEMES, initial: options.theme ?? 'dark' });
  await page.goto(url);
  if (options.waitReady !== false) await waitReady(page);
  return { page, errors, close: () => context.close() };
}

/** The panel has painted its first model, and chart.js (loaded after that paint) has drawn the charts shown. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForSelector('#app[data-ready="true"]');
  await page.waitForSelector('body[data-charts="ready"]');
}

/** No CSP violation (event or console), page error, console error or alert happened on this page. */
export async function assertClean(panel: OpenPage): Promise<void> {
  const { violations, alerts } = await panel.page.evaluate(() => {
    const w = window as unknown as StubWindow;
    return { violations: w.__cspViolations, alerts: w.__alerts };
  });
  const problems = [...panel.errors, ...violations.map((v) => `csp: ${v}`), ...alerts.map((a) => `alert: ${a}`)];
  if (problems.length > 0) throw new Error(`page was not clean:\n${problems.join('\n')}`);
}

export async function showTab(page: Page, tab: string): Promise<void> {
  if (await page.getAttribute('#app', 'data-tab') === tab) { await settle(page); return; }
  const before = Number(await page.getAttribute('#app', 'data-renders'));
  await page.click(`#tab-${tab}`);
  await page.waitForSelector(`#app[data-tab="${tab}"]`);
  await page.waitForFunction((n) => Number(document.getElementById('app')?.dataset.renders) > n, before);
  await settle(page);
}

/** Two animation frames: whatever was scheduled has rendered and painted. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Pixels of a canvas that are drawn (alpha > 0), and those within `tolerance` of an RGB colour. */
export async function canvasPixels(
  page: Page, selector: string, rgb?: readonly [number, number, number], tolerance = 10,
): Promise<{ painted: number; matching: number; total: number }> {
  return page.evaluate(({ selector, rgb, tolerance }) => {
    const canvas = document.querySelector(selector) as HTMLCanvasElement | null;
    if (!canvas || canvas.width === 0) return { painted: 0, matching: 0, total: 0 };
    const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0, matching = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      painted++;
      if (rgb && data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) <= tolerance
        && Math.abs(data[i + 1] - rgb[1]) <= tolerance && Math.abs(data[i + 2] - rgb[2]) <= tolerance) matching++;
    }
    return { painted, matching, total: data.length / 4 };
  }, { selector, rgb, tolerance });
}

export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export function assertEqual<T>(actual: T, expected: T, message: string): void {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

/** Polls a Node-side condition (e.g. what the fake host received). */
export async function waitFor(condition: () => boolean, timeoutMs = HANG_GUARD_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for the host');
    await new Promise((r) => setTimeout(r, 20));
  }
}
