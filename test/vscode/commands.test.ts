/// <reference types="mocha" />
/** Every command package.json declares is registered once the extension is active. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './testExtension';

suite('commands', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  test('every contributed command is registered', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string; category?: string }[]);
    assert.ok(contributed.length >= 9, `expected the NAS commands in package.json, found ${contributed.length}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
    for (const c of contributed) assert.equal(c.category, 'NAS', `${c.command} is in category NAS`);
  });

  test('the NAS Studies view and the panel serializer are declared for activation', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents: string[]; contributes: { views: Record<string, { id: string }[]> } };
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:llamboNas.studyPanel'));
    const views = Object.values(pkg.contributes.views).flat().map((v) => v.id);
    assert.ok(views.includes('llamboNas.studies'));
  });
});
