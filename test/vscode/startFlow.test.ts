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
