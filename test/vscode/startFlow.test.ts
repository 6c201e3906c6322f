/// <reference types="mocha" />
/**
 * "Start NAS study" through its questions: customizing runs the chosen plan and is remembered as the
 * next default; choosing LLAMBO without an endpoint offers the setup, and "baselines only" drops it.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import { activateExtension, ScriptedPrompter, withPrompter } from './testExtension';

const is = (expected: unknown) => (value: unknown) => value === expected;

suite('Start NAS study flow', () => {
  let api: LlamboNasApi;
  suiteSetup(async () => {
    api = await activateExtension();
    await api.services.apiKeys.clear();
  });

  test('a customized plan runs and becomes the next default', async () => {
    const prompter = new ScriptedPrompter([
      { pick: is('customize') },
      { pickMany: is('local') },
      { pick: is('sync-sh') },
      { type: '0.25' },
      { type: '3' },
      { type: '1' },
    ]);
    const id = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<string>('llamboNas.startStudy')));
    assert.equal(prompter.remaining, 0);
    const session = api.services.registry.get(id)!;
    const headline = await session.ended;
    assert.equal(headline.searcher, 'local');
    assert.equal((session.events[0].type === 'studyStarted' ? session.events[0].spec as { tag?: string } : {}).tag, undefined, 'a single study has no group tag');
    assert.equal(headline.scheduler, 'sync-sh');
    assert.equal(headline.budgetSeconds, 900);

    const again = new ScriptedPrompter([undefined]);
    await withPrompter(api, again, () => Promise.resolve(vscode.commands.executeCommand('llamboNas.startStudy')));
    const start = again.asked[0].items.find((i) => i.label.includes('Start'));
    assert.match(start?.description ?? '', /local · sync-sh · 0\.25 h · 3 workers · 1 seed/);
  });

  test('LLAMBO without an endpoint offers the setup; "baselines only" runs the rest', async () => {
    assert.equal(api.services.settings().llm.baseUrl, '');
    const prompter = new ScriptedPrompter([
      { pick: is('customize') },
      { pickMany: (v) => v === 'llambo' || v === 'random' },
      { pick: is('sync-hyperband') },
      { type: '0.25' },
      { type: '2' },
      { type: '1' },
      { pick: is('measured') },
      { pick: is('full') },
      { pick: (v) => (v as { kind: string }).kind === 'baselines' },
    ]);
    const id = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<string>('llamboNas.startStudy')));
    const setup = prompter.asked.find((q) => q.title === 'LLAMBO needs an LLM endpoint');
    assert.ok(setup, 'the endpoint question was asked');
    for (const label of ['Set API key', 'Ollama', 'LM Studio', 'vLLM', 'Custom URL', 'baselines only']) {
      assert.ok(setup.items.some((i) => i.label.includes(label)), `offers ${label}`);
    }
    assert.ok(setup.items.some((i) => i.description === 'http://localhost:11434/v1'));
    const headline = await api.services.registry.get(id)!.ended;
    assert.equal(headline.searcher, 'random');
  });
});

suite('Compare searchers', () => {
  test('runs searchers x seeds on one budget and opens a comparison table', async () => {
    const api = await activateExtension();
    await api.services.context.workspaceState.update('llamboNas.lastStudyPlan', { searchers: ['random', 'rea'], scheduler: 'sync-hyperband', hours: 0.25, workers: 2, seeds: 2 });
    const before = new Set(api.services.registry.list().map((s) => s.id));
    const prompter = new ScriptedPrompter([{ pick: is('run') }]);
    await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand('llamboNas.compareSearchers')));
    const studies = api.services.registry.list().filter((s) => !before.has(s.id));
    assert.equal(studies.length, 4, 'two searchers x two seeds');
    // The plan's studies share one tag: each one's panel draws the others (IQM bands over seeds).
    const tagOf = (events: readonly { type: string; spec?: unknown }[]) => (events[0]?.spec as { tag?: string } | undefined)?.tag;
    const tags = new Set(studies.map((s) => tagOf(s.events)));
    assert.equal(tags.size, 1, `one tag for the plan: ${[...tags].join(', ')}`);
    assert.match([...tags][0] ?? '', /^plan-\d{8}-\d{6}$/);
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document && document.languageId === 'markdown', 'a Markdown document is open');
    const text = document.getText();
    assert.match(text, /# Searcher comparison/);
    assert.match(text, /\| random \| 2 \|/);
    assert.match(text, /\| rea \| 2 \|/);
  });
});
