/// <reference types="mocha" />
/**
 * Start NAS study with an LLM endpoint: the first-run default plan is LLAMBO beside random search, and
 * an endpoint that cannot serve the study (a refused connection, a model the server does not have)
 * stops Start at once with the URL, the model and the fix, before any study folder exists.
 */
import { closedPort } from '../support/closedPort';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import type { FakeLlmHandle } from '../support/fakeLlmServer';
import type { PickItem } from '../../src/extension/prompter';
import { activateExtension, ScriptedPrompter, waitFor, withPrompter } from './testExtension';
import { FAKE_MODEL, noiseResponder, startTestEndpoint, stopTestEndpoint } from './llmTestEndpoint';

const SHORT_LLAMBO = { searcher: 'llambo', hours: 0.25, workers: 2, rMax: 27, seed: 3 } as const;
const LAST_PLAN_KEY = 'llamboNas.lastStudyPlan';


async function startError(spec: object): Promise<Error> {
  try {
    await vscode.commands.executeCommand('llamboNas.startStudy', { spec, openPanel: false });
  } catch (error) {
    return error as Error;
  }
  assert.fail('the study started');
}

suite('LLM endpoint preflight and the default plan', () => {
  let api: LlamboNasApi;
  let server: FakeLlmHandle;
  const config = () => vscode.workspace.getConfiguration('llamboNas');

  suiteSetup(async () => {
    api = await activateExtension();
    server = await startTestEndpoint();
  });
  suiteTeardown(async () => {
    await stopTestEndpoint(server);
  });
  teardown(async () => {
    server.setResponder(noiseResponder);
    await config().update('llm.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Workspace);
    await config().update('llm.model', FAKE_MODEL, vscode.ConfigurationTarget.Workspace);
  });

  test('with an endpoint configured, the first-run default is LLAMBO and random search side by side', async () => {
    await api.services.context.workspaceState.update(LAST_PLAN_KEY, undefined);
    const prompter = new ScriptedPrompter([undefined]);
    await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand('llamboNas.startStudy')));
    const items = prompter.asked[0].items;
    const start = items.find((i) => i.label.includes('Start'));
    assert.match(start?.description ?? '', /^llambo, random · sync-hyperband · .* · LLM time ignore · context full$/);
    assert.ok(!items.some((i) => i.label.includes('Set up an LLM endpoint')), 'no setup offered: there is an endpoint');
  });

  test('the endpoint of the plan the pick offers is checked while the pick is open, and the plan starts on that check', async () => {
    await api.services.context.workspaceState.update(LAST_PLAN_KEY, { searchers: ['llambo'], scheduler: 'sync-hyperband', hours: 0.25, workers: 2, seeds: 1 });
    const listed = server.modelListRequests.count;
    const script = new ScriptedPrompter([{ pick: (v) => v === 'run' }]);
    let listedWhilePicking = -1;
    const prompter = {
      ...script,
      pickOne: async <T>(title: string, items: readonly PickItem<T>[]) => {
        await waitFor('the early check of the offered endpoint', () => server.modelListRequests.count > listed);
        listedWhilePicking = server.modelListRequests.count - listed;
        return script.pickOne(title, items);
      },
      pickMany: script.pickMany.bind(script),
      input: script.input.bind(script),
    };
    const id = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<string>('llamboNas.startStudy')));
    const session = api.services.registry.get(id)!;
    assert.equal(listedWhilePicking, 1);
    assert.equal(server.modelListRequests.count - listed, 1, 'the plan checked nothing again');
    assert.equal(session.headline.status, 'running');
    await session.stop();
    api.services.panels.get(id)?.panel.dispose();
  });

  test('a refused connection stops Start at once, naming the URL, the model and the fix', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    await config().update('llm.baseUrl', baseUrl, vscode.ConfigurationTarget.Workspace);
    const before = api.services.registry.list().length;
    const error = await startError(SHORT_LLAMBO);
    assert.match(error.message, /LLM endpoint check failed, the study was not started/);
    assert.ok(error.message.includes(`${baseUrl} (model "${FAKE_MODEL}")`), error.message);
    assert.match(error.message, /connection refused/);
    assert.match(error.message, /llamboNas\.llm\.baseUrl/);
    assert.equal(api.services.registry.list().length, before, 'no study was created');

    // The same through the plan: nothing runs, not even the plan's random search, and the panel opened for it is closed.
    await api.services.context.workspaceState.update(LAST_PLAN_KEY, { searchers: ['random', 'llambo'], scheduler: 'sync-hyperband', hours: 0.25, workers: 2, seeds: 1 });
    const prompter = new ScriptedPrompter([{ pick: (v) => v === 'run' }]);
    const { panels } = api.services;
    const openPending = panels.openPending.bind(panels);
    const opened: vscode.WebviewPanel[] = [];
    const closed: vscode.WebviewPanel[] = [];
    panels.openPending = (timeline) => {
      const pending = openPending(timeline);
      opened.push(pending.panel);
      pending.panel.onDidDispose(() => closed.push(pending.panel));
      return pending;
    };
    try {
      const id = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<string | undefined>('llamboNas.startStudy')));
      assert.equal(id, undefined);
    } finally {
      panels.openPending = openPending;
    }
    assert.equal(api.services.registry.list().length, before, 'no study of the plan started');
    assert.equal(opened.length, 1, 'the plan opened its panel before the check');
    assert.deepEqual(closed, opened, 'and closed it when the check failed');
  });

  test('a model the server does not have stops Start with "ollama pull" and the models it has', async () => {
    await config().update('llm.model', 'no-such-model', vscode.ConfigurationTarget.Workspace);
    server.setResponder((body) => ({ status: 404, json: { error: { message: `model "${body.model}" not found, try pulling it first` } } }));
    const requests = server.requests.length;
    const before = api.services.registry.list().length;
    const error = await startError(SHORT_LLAMBO);
    assert.match(error.message, /model "no-such-model" is not available/);
    assert.match(error.message, new RegExp(`The server has: ${FAKE_MODEL}`));
    assert.match(error.message, /ollama pull no-such-model/);
    assert.match(error.message, /llamboNas\.llm\.model/);
    assert.equal(server.requests.length, requests + 1, 'one probe request, then nothing');
    assert.equal(api.services.registry.list().length, before);
  });
});
