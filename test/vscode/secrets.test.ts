/// <reference types="mocha" />
/** The API key goes through VS Code's SecretStorage only, and the commands keep the context key in step. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import { activateExtension, ScriptedPrompter, withPrompter } from './testExtension';

const KEY = `sk-test-${Date.now().toString(36)}`;

suite('API key in SecretStorage', () => {
  let api: LlamboNasApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });
  suiteTeardown(async () => {
    await api.services.apiKeys.clear();
  });

  test('Set API key stores it in secrets, Clear API key removes it', async () => {
    const prompter = new ScriptedPrompter([{ type: `  ${KEY}  ` }]);
    const stored = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<boolean>('llamboNas.setApiKey')));
    assert.equal(stored, true);
    assert.equal(await api.services.context.secrets.get('llamboNas.llm.apiKey'), KEY, 'trimmed key in SecretStorage');
    assert.equal(await api.services.apiKeys.get(), KEY);
    assert.equal(await vscode.commands.executeCommand<boolean>('llamboNas.clearApiKey'), true, 'there was a key to clear');
    assert.equal(await api.services.context.secrets.get('llamboNas.llm.apiKey'), undefined);
    assert.equal(await api.services.apiKeys.refreshContext(), false);
    assert.equal(await vscode.commands.executeCommand<boolean>('llamboNas.clearApiKey'), false, 'a second clear finds none (and says so)');
  });

  test('the key is never written to settings', async () => {
    await api.services.apiKeys.set(KEY);
    const config = vscode.workspace.getConfiguration('llamboNas');
    assert.ok(!JSON.stringify(config).includes(KEY));
    const declared = Object.keys(vscode.extensions.getExtension('llambo-nas.llambo-nas')!.packageJSON.contributes.configuration.properties as object);
    assert.ok(!declared.some((k) => /key|secret|token$/i.test(k)), `no setting named like a key: ${declared.join(', ')}`);
  });
});
