/**
 * What the study panel asks of VS Code beyond its own view: copy an LLM call to the clipboard, open
 * one as a read-only Markdown editor tab, show a cell beside the panel (both nasDocumentProvider.ts), and write a chart or table it made into
 * the workspace. LLM texts come from the panel's PanelModelBuilder (the webview holds only summaries).
 */
import * as vscode from 'vscode';
import { llmCallClipboardText } from '../core/panel/llmCallMarkdown';
import type { PanelModelBuilder } from '../core/panel/panelModelBuilder';
import { parseArchString } from '../core/nb201/searchSpace';
import type { CopyLlmCallCommand, OpenArchCommand, OpenLlmCallCommand, PanelThemeNotification, SaveFileParams } from '../protocol';
import { nasDocumentUri } from './nasDocumentProvider';
import { writePanelFile } from './panelFileWriter';

const PARTS: readonly CopyLlmCallCommand['params']['part'][] = ['prompt', 'reply', 'all'];

function callText(builder: PanelModelBuilder | undefined, callId: unknown) {
  const text = typeof callId === 'string' ? builder?.llmCallText(callId) : undefined;
  if (!text) void vscode.window.showWarningMessage(`LLM call ${String(callId)} is not in this study's log.`);
  return text;
}

export async function copyLlmCall(builder: PanelModelBuilder | undefined, params: CopyLlmCallCommand['params']): Promise<void> {
  const text = callText(builder, params?.callId);
  if (!text) return;
  const part = PARTS.includes(params.part) ? params.part : 'all';
  await vscode.env.clipboard.writeText(llmCallClipboardText(text, part));
  vscode.window.setStatusBarMessage(`Copied the ${part === 'all' ? 'prompt and reply' : part} of LLM call ${text.callId}`, 4000);
}

/** The call's prompt and reply as a named read-only Markdown document (`llambo-nas:/<study>/call-<id>.md`). */
export async function openLlmCall(studyId: string, builder: PanelModelBuilder | undefined, params: OpenLlmCallCommand['params']): Promise<vscode.TextDocument | undefined> {
  const text = callText(builder, params?.callId);
  if (!text) return undefined;
  const document = await vscode.workspace.openTextDocument(nasDocumentUri({ kind: 'llmCall', studyId, callId: text.callId }));
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return document;
}

/** A cell as a named read-only Markdown page (diagram, edges, arch string), previewed beside the panel. */
export async function openArch(params: OpenArchCommand['params']): Promise<vscode.TextDocument | undefined> {
  let cell: readonly number[];
  try {
    cell = parseArchString(String(params?.arch));
  } catch (error) {
    void vscode.window.showWarningMessage(`Not an NB201 cell: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(nasDocumentUri({ kind: 'cell', cell }));
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri);
  } catch {
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }
  return document;
}

/** Writes the panel's file into `folder` (never over an existing file); the path to show, workspace-relative when it can be. */
export function savePanelFile(folder: string, params: SaveFileParams): string {
  const path = writePanelFile(folder, params);
  return vscode.workspace.asRelativePath(path, false);
}

/** The theme kind as the panels' webviews name it (charts redraw with the new CSS variables). */
export function themeMessage(kind: vscode.ColorThemeKind): PanelThemeNotification {
  const names: Record<vscode.ColorThemeKind, PanelThemeNotification['params']['kind']> = {
    [vscode.ColorThemeKind.Light]: 'light',
    [vscode.ColorThemeKind.Dark]: 'dark',
    [vscode.ColorThemeKind.HighContrast]: 'highContrast',
    [vscode.ColorThemeKind.HighContrastLight]: 'highContrastLight',
  };
  return { method: 'panel/theme', params: { kind: names[kind] } };
}
