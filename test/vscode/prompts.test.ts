/// <reference types="mocha" />
/**
 * "Open prompt templates folder" without a template folder set: reading the built-in templates opens
 * them read-only (a content provider's documents), with the shipped text. Copying them and running
 * LLAMBO on the copy is in llambo.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import { activateExtension, ScriptedPrompter, withPrompter } from './testExtension';

suite('prompt templates', () => {
  let api: LlamboNasApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });

  test('the built-in templates open read-only with the shipped text', async () => {
    assert.equal(api.services.settings().promptsFolder, '');
    const prompter = new ScriptedPrompter([
      { pick: (v) => (v as { kind: string }).kind === 'read' },
      { pick: (v) => v === 'sampler.md' },
    ]);
    const folder = await withPrompter(api, prompter, () => Promise.resolve(vscode.commands.executeCommand<string>('llamboNas.openPromptTemplates')));
    assert.equal(folder, join(api.services.context.extensionPath, 'dist', 'prompts'), 'the templates the build shipped');
    const offered = prompter.asked[0].items.map((i) => i.label).join(' | ');
    for (const choice of ['Copy them to .nas-prompts/', 'Copy them to a folder you choose', 'Read the built-in templates']) assert.ok(offered.includes(choice), `offers "${choice}": ${offered}`);
    assert.equal(prompter.asked[1].items.length, 8, 'every template is offered');
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document, 'a template is open');
    assert.equal(document.uri.scheme, 'llambo-nas-prompt', 'served read-only by the extension');
    assert.equal(document.getText(), readFileSync(join(folder, 'sampler.md'), 'utf8'));
    assert.equal(document.languageId, 'markdown');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
