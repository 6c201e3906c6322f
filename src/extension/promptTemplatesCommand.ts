/**
 * "Open prompt templates folder": opens one of the LLAMBO prompt templates. When `llamboNas.promptsFolder`
 * holds templates, they open for editing (LLAMBO studies then use them: the folder becomes the spec's
 * promptOverridesDir). Otherwise it offers to copy the shipped templates (dist/prompts) into that
 * folder, into the workspace's `.nas-prompts/`, or into a folder the user picks (never overwriting a
 * file), and points the setting there; or to read the built-in ones, which open read-only.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { NasServices } from './nasServices';
import { resolvePromptsFolder } from './studyLlmSettings';

export const WORKSPACE_PROMPTS_FOLDER = '.nas-prompts';
/** Documents of this scheme show the shipped templates; a content provider's documents are read-only. */
export const BUILT_IN_PROMPT_SCHEME = 'llambo-nas-prompt';

/** The shipped templates: dist/prompts in the installed extension, the source folder in development. */
export function shippedPromptsDir(extensionPath: string): string {
  const candidates = [join(extensionPath, 'dist', 'prompts'), join(extensionPath, 'src', 'core', 'llambo', 'prompts')];
  return candidates.find((dir) => existsSync(join(dir, 'system.md'))) ?? candidates[0];
}

/** Serves `llambo-nas-prompt:/<name>.md` from the shipped folder. */
export class BuiltInPromptProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly dir: string) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return readFileSync(join(this.dir, basename(uri.path)), 'utf8');
  }
}

/** Copies the shipped *.md files that `target` lacks; returns the names copied. */
export function copyPromptTemplates(shipped: string, target: string): string[] {
  mkdirSync(target, { recursive: true });
  const copied: string[] = [];
  for (const file of templateFiles(shipped)) {
    if (existsSync(join(target, file))) continue; // the user's edits win
    copyFileSync(join(shipped, file), join(target, file));
    copied.push(file);
  }
  return copied;
}

type Choice = { kind: 'copy'; target: string } | { kind: 'pick' } | { kind: 'read' };

/** Resolves with the folder whose templates were offered (undefined when the user cancelled). */
export async function openPromptTemplatesCommand(services: NasServices): Promise<string | undefined> {
  const shipped = shippedPromptsDir(services.context.extensionPath);
  const configured = resolvePromptsFolder(services.settings().promptsFolder, services.workspaceDir);
  let folder: string;
  let readOnly = false;
  if (configured !== undefined && templateFiles(configured).length > 0) {
    folder = configured;
  } else {
    const choice = await services.prompter.pickOne<Choice>('Prompt templates', [
      ...(configured !== undefined
        ? [{ label: `$(copy) Copy the built-in templates into ${configured}`, detail: 'the folder llamboNas.promptsFolder names; your edits there override the built-in prompts', value: { kind: 'copy', target: configured } as Choice }]
        : services.workspaceDir !== undefined
          ? [{ label: `$(copy) Copy them to ${WORKSPACE_PROMPTS_FOLDER}/ and use that copy`, detail: 'your edits then override the built-in prompts', value: { kind: 'copy', target: join(services.workspaceDir, WORKSPACE_PROMPTS_FOLDER) } as Choice }]
          : []),
      { label: '$(folder-opened) Copy them to a folder you choose...', detail: 'and point llamboNas.promptsFolder there', value: { kind: 'pick' } },
      { label: '$(book) Read the built-in templates', detail: `read-only: ${shipped}`, value: { kind: 'read' } },
    ]);
    if (choice === undefined) return undefined;
    const target = choice.kind === 'copy' ? choice.target : choice.kind === 'pick' ? await pickFolder() : undefined;
    if (choice.kind === 'read') {
      folder = shipped;
      readOnly = true;
    } else if (target === undefined) {
      return undefined;
    } else {
      const copied = copyPromptTemplates(shipped, target);
      if (target !== configured) await services.updateSetting('promptsFolder', target);
      services.log.info(`prompt templates: ${copied.length} copied to ${target}; llamboNas.promptsFolder points there`);
      folder = target;
    }
  }
  const files = templateFiles(folder);
  if (files.length === 0) {
    void vscode.window.showErrorMessage(`No prompt templates (*.md) in ${folder}.`);
    return undefined;
  }
  const file = await services.prompter.pickOne(`Prompt templates in ${folder}${readOnly ? ' (read-only)' : ''}`, files.map((f) => ({ label: f, value: f })));
  if (file === undefined) return folder;
  const uri = readOnly ? vscode.Uri.from({ scheme: BUILT_IN_PROMPT_SCHEME, path: `/${file}` }) : vscode.Uri.file(join(folder, file));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  if (readOnly) await vscode.languages.setTextDocumentLanguage(document, 'markdown');
  return folder;
}

function templateFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : [];
}

async function pickFolder(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Copy Templates Here' });
  return picked?.[0]?.fsPath;
}
