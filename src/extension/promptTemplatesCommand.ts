/**
 * "Open prompt templates folder": opens one of the LLAMBO prompt templates for reading or editing.
 * With no `llamboNas.promptsFolder` set, it offers to copy the shipped templates into the workspace
 * (`.nas-prompts/`) and point the setting there, so edits override the built-in prompts.
 */
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NasServices } from './nasServices';

export const WORKSPACE_PROMPTS_FOLDER = '.nas-prompts';

/** The shipped templates: dist/prompts in the installed extension, the source folder in development. */
export function shippedPromptsDir(extensionPath: string): string {
  const candidates = [join(extensionPath, 'dist', 'prompts'), join(extensionPath, 'src', 'core', 'llambo', 'prompts')];
  return candidates.find((dir) => existsSync(join(dir, 'system.md'))) ?? candidates[0];
}

export async function openPromptTemplatesCommand(services: NasServices): Promise<string | undefined> {
  const shipped = shippedPromptsDir(services.context.extensionPath);
  let folder = services.settings().promptsFolder;
  if (folder === '' || !existsSync(folder)) {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const choice = await services.prompter.pickOne<'copy' | 'read'>('Prompt templates', [
      ...(workspace ? [{ label: `$(copy) Copy them to ${WORKSPACE_PROMPTS_FOLDER}/ and use that copy`, detail: 'your edits then override the built-in prompts', value: 'copy' as const }] : []),
      { label: '$(book) Read the built-in templates', detail: shipped, value: 'read' },
    ]);
    if (choice === undefined) return undefined;
    if (choice === 'copy' && workspace) {
      folder = join(workspace, WORKSPACE_PROMPTS_FOLDER);
      if (!existsSync(folder)) cpSync(shipped, folder, { recursive: true });
      await services.updateSetting('promptsFolder', folder);
      services.log.info(`prompt templates copied to ${folder}; llamboNas.promptsFolder points there`);
    } else {
      folder = shipped;
    }
  }
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.md')).sort() : [];
  if (files.length === 0) {
    void vscode.window.showErrorMessage(`No prompt templates (*.md) in ${folder}.`);
    return undefined;
  }
  const file = await services.prompter.pickOne(`Prompt templates in ${folder}`, files.map((f) => ({ label: f, value: f })));
  if (file === undefined) return folder;
  await vscode.window.showTextDocument(vscode.Uri.file(join(folder, file)), { preview: false });
  return folder;
}
