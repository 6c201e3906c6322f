/// <reference types="mocha" />
/**
 * "Compare searchers" in a real VS Code: the plan's searchers x seeds run under one progress
 * notification and a comparison panel opens over them (the study panels' bundle under their CSP,
 * mounted as the comparison); after webview/ready it carries the comparison summary of exactly
 * those studies, with the few-seeds note for two seeds, and Export writes the Markdown report with its
 * SVG charts into nas-results/<plan tag>/.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonPanel } from '../../src/extension/comparisonPanel';
import type { HostToWebviewMessage } from '../../src/protocol';
import { activateExtension, ScriptedPrompter, waitFor, withPrompter } from './testExtension';

const is = (expected: unknown) => (value: unknown) => value === expected;

suite('Compare searchers', () => {
  test('runs searchers x seeds on one budget and opens the comparison panel', async () => {
    const api = await activateExtension();
    await api.services.context.workspaceState.update('llamboNas.lastStudyPlan', { searchers: ['random', 'rea'], scheduler: 'sync-hyperband', hours: 0.25, workers: 2, seeds: 2 });
    const before = new Set(api.services.registry.list().map((s) => s.id));
    const prompter = new ScriptedPrompter([{ pick: is('run') }]);
    const panel = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<ComparisonPanel | undefined>('llamboNas.compareSearchers')));
    const studies = api.services.registry.list().filter((s) => !before.has(s.id));
    assert.equal(studies.length, 4, 'two searchers x two seeds');
    // The plan's studies share one tag: it names the comparison and its results folder.
    const tagOf = (events: readonly { type: string; spec?: unknown }[]) => (events[0]?.spec as { tag?: string } | undefined)?.tag;
    const tags = new Set(studies.map((s) => tagOf(s.events)));
    assert.equal(tags.size, 1, `one tag for the plan: ${[...tags].join(', ')}`);
    const tag = [...tags][0] ?? '';
    assert.match(tag, /^plan-\d{8}-\d{6}$/);

    assert.ok(panel, 'the command resolves with the comparison panel');
    const html = panel.panel.webview.html;
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.match(html, /<main id="app" aria-live="polite" data-view="comparison">/);
    assert.match(html, /dist\/webview\.js/);
    assert.equal(panel.folder, join(api.services.resultsRoot, tag));

    const sent: HostToWebviewMessage[] = [];
    const webview = panel.panel.webview;
    const post = webview.postMessage.bind(webview);
    webview.postMessage = (message: HostToWebviewMessage) => { sent.push(message); return post(message); };
    try {
      await waitFor('the webview/ready handshake', () => panel.isReady);
      // A reloaded webview says ready again; the host answers with the whole comparison.
      panel.receive({ method: 'webview/ready', params: {} });
      const model = await waitFor('comparison/model', () => sent.find((m) => m.method === 'comparison/model'));
      assert.ok(model.method === 'comparison/model');
      const { summary } = model.params;
      assert.deepEqual(summary.entries.map((e) => e.label), ['random', 'rea']);
      for (const entry of summary.entries) {
        assert.deepEqual(entry.seeds, [0, 1], `${entry.label}: both seeds`);
        const finals = studies.filter((s) => s.headline.searcher === entry.label).map((s) => s.headline.result?.finalError ?? null);
        assert.deepEqual(entry.perSeed.map((p) => p.values.finalError).sort(), finals.sort(), `${entry.label}: the studies' own headlines`);
        assert.equal(entry.averageRank.length, summary.timeGrid.length);
      }
      assert.equal(summary.fewSeeds, true);
      assert.match(summary.fewSeedsNote ?? '', /Only 2 seeds/);

      const id = 7;
      panel.receive({ method: 'comparison/exportReport', id, params: {} });
      const answer = await waitFor('the export answer', () => sent.find((m) => m.method === 'comparison/exportReport/response' && m.id === id));
      assert.ok(answer.method === 'comparison/exportReport/response' && answer.result, `exported: ${JSON.stringify(answer)}`);
      const report = readFileSync(join(panel.folder, 'comparison.md'), 'utf8');
      assert.match(report, /# Searcher comparison/);
      assert.match(report, /\| random \| 2 \|/);
      assert.match(report, /\| rea \| 2 \|/);
      assert.match(report, /\*\*Note:\*\* Only 2 seeds/);
      for (const chart of ['comparison-incumbent-iqm.svg', 'comparison-average-rank.svg']) {
        assert.ok(existsSync(join(panel.folder, chart)), `${chart} written`);
        assert.ok(report.includes(`](${chart})`), `the report embeds ${chart}`);
      }
    } finally {
      webview.postMessage = post;
      panel.panel.dispose();
    }
  });
});
