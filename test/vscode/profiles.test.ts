/// <reference types="mocha" />
/**
 * LLM profiles in the extension (issue 12 section 1): two scripted OpenAI-compatible servers (test
 * doubles, never LLMs) as two entries of `llamboNas.llm.profiles`; a key is set for one of them through
 * "NAS: Set LLM profile API key"; Compare searchers picks both profiles for LLAMBO beside random search.
 * Each profile's studies must reach only its own server, with only its own key, recording into its
 * own reply cache, and the comparison table must show one row per profile.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonPanel } from '../../src/extension/comparisonPanel';
import type { LlamboNasApi } from '../../src/extension/extension';
import { FakeLlmServer, type FakeLlmHandle } from '../support/fakeLlmServer';
import { filesContaining, noiseResponder } from './llmTestEndpoint';
import { activateExtension, ScriptedPrompter, withPrompter } from './testExtension';

const KEY = `sk-profile-${Date.now().toString(36)}-never-on-disk`;
const is = (expected: unknown) => (value: unknown) => value === expected;
const oneOf = (...expected: unknown[]) => (value: unknown) => expected.includes(value);

suite('LLM profiles', () => {
  let api: LlamboNasApi;
  let alpha: FakeLlmHandle;
  let beta: FakeLlmHandle;
  const config = () => vscode.workspace.getConfiguration('llamboNas');

  suiteSetup(async () => {
    api = await activateExtension();
    alpha = await new FakeLlmServer(noiseResponder, { models: ['alpha-model'] }).start();
    beta = await new FakeLlmServer(noiseResponder, { models: ['beta-model'] }).start();
    // High limits: the defaults would make a test study wait on the rate limiter.
    const limits = { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000, concurrency: 8 };
    await config().update('llm.profiles', [
      { name: 'alpha', baseUrl: alpha.baseUrl, model: 'alpha-model', limits, headers: { 'x-profile': 'alpha' } },
      { name: 'beta', baseUrl: beta.baseUrl, model: 'beta-model', limits, headers: { 'x-profile': 'beta' } },
    ], vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    await config().update('llm.profiles', undefined, vscode.ConfigurationTarget.Workspace);
    await api.services.apiKeys.clearForProfile('alpha');
    await alpha.close();
    await beta.close();
  });

  test('Set LLM profile API key stores the key of the picked profile only', async () => {
    const prompter = new ScriptedPrompter([{ pick: is('alpha') }, { type: ` ${KEY} ` }]);
    const stored = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<boolean>('llamboNas.setProfileApiKey')));
    assert.equal(stored, true);
    assert.deepEqual(prompter.asked[0].items.map((i) => i.label), ['alpha', 'beta']);
    assert.equal(await api.services.context.secrets.get('llamboNas.llm.profileKey.alpha'), KEY);
    assert.equal(await api.services.apiKeys.getForProfile('beta'), undefined);
    assert.ok(!JSON.stringify(config()).includes(KEY), 'never in the settings');
  });

  test('Compare searchers on two profiles: one LLAMBO study per profile, each on its own server, key and cache', async () => {
    // A stored plan of two searchers, so Compare opens with "Start / Customize..." as it does for a returning user.
    await api.services.context.workspaceState.update('llamboNas.lastStudyPlan', { searchers: ['random', 'rea'], scheduler: 'sync-hyperband', hours: 0.25, workers: 2, seeds: 1 });
    const before = new Set(api.services.registry.list().map((s) => s.id));
    const prompter = new ScriptedPrompter([
      { pick: is('customize') },
      { pickMany: oneOf('llambo', 'random') },
      { pick: is('sync-hyperband') },
      { type: '0.25' },
      { type: '2' },
      { type: '1' },
      { pickMany: oneOf('alpha', 'beta') },
      { pick: is('ignore') },
      { pick: is('full') },
    ]);
    const panel = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<ComparisonPanel | undefined>('llamboNas.compareSearchers')));
    assert.equal(prompter.remaining, 0);
    assert.ok(prompter.asked.some((q) => q.title.startsWith('LLM profiles')), 'the profile pick was asked');
    const studies = api.services.registry.list().filter((s) => !before.has(s.id));
    const specOf = (events: readonly { type: string; spec?: unknown }[]) => events[0]?.spec as { searcher: string; llm?: { profile?: string; baseUrl?: string } };
    const entries = studies.map((s) => `${specOf(s.events).searcher}:${specOf(s.events).llm?.profile ?? '-'}`).sort();
    assert.deepEqual(entries, ['llambo:alpha', 'llambo:beta', 'random:-']);
    for (const s of studies) assert.equal((await s.ended).status, 'finished', `${s.id} finished`);

    assert.ok(alpha.requests.length > 0 && beta.requests.length > 0, 'both servers were asked');
    const seen = (r: { body: { model?: unknown }; headers: Record<string, unknown> }) => `${String(r.body.model)} x-profile=${String(r.headers['x-profile'])} auth=${r.headers.authorization === `Bearer ${KEY}` ? 'key' : String(r.headers.authorization)}`;
    assert.ok(alpha.requests.every((r) => r.body.model === 'alpha-model' && r.headers['x-profile'] === 'alpha' && r.headers.authorization === `Bearer ${KEY}`),
      `alpha got only its model, header and key: ${[...new Set(alpha.requests.map(seen))].join('; ')}`);
    assert.ok(beta.requests.every((r) => r.body.model === 'beta-model' && r.headers['x-profile'] === 'beta' && r.headers.authorization !== `Bearer ${KEY}`),
      'beta has no key of its own and never gets alpha\'s');
    for (const name of ['alpha', 'beta']) {
      const cache = join(api.services.registry.root, 'llm-replies', `${name}.jsonl`);
      assert.ok(existsSync(cache), `${cache} exists`);
      const models = new Set(readFileSync(cache, 'utf8').trim().split('\n').map((line) => JSON.parse(line).request.model));
      assert.deepEqual([...models], [`${name}-model`], `${name}'s cache holds only its own model's replies`);
    }
    assert.deepEqual(filesContaining(api.services.registry.root, KEY), [], 'the key is in no study file or cache');

    // The comparison panel tells the entries apart by profile: two LLAMBO rows and random.
    assert.ok(panel, 'the command resolves with the comparison panel');
    try {
      assert.deepEqual(panel.view.summary.entries.map((e) => e.label).sort(), ['llambo:alpha', 'llambo:beta', 'random']);
      for (const entry of panel.view.summary.entries) assert.deepEqual(entry.seeds, [0], `${entry.label}: one seed`);
    } finally {
      panel.panel.dispose();
    }
  });
});
