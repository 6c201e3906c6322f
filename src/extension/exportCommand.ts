/**
 * "Export results": writes a study's exports into a folder the user picks (default
 * `nas-results/<study>`), asks before replacing any existing file, and opens the report.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { openEventLog } from '../core/study/eventLog';
import { ExportConflictError, REPORT_FILE, studyExportOptions, writeStudyExport } from '../core/study/studyExport';
import type { NasServices } from './nasServices';

export interface ExportArgs {
  readonly studyId?: string;
  /** Skip the folder question. */
  readonly folder?: string;
  /** Replace existing files without asking (scripts and tests). */
  readonly overwrite?: boolean;
  /** Open report.md afterwards (default true). */
  readonly openReport?: boolean;
}

/** Resolves with the folder written, or undefined when the user cancelled. */
export async function exportResultsCommand(services: NasServices, args: ExportArgs = {}): Promise<string | undefined> {
  const studyId = args.studyId ?? await services.prompter.pickOne('Export which study?',
    services.registry.list().map((s) => ({ label: s.id, description: s.headline.status, value: s.id })));
  if (studyId === undefined) return undefined;
  const session = services.registry.get(studyId);
  if (!session) throw new Error(`Study ${studyId} was not found in ${services.registry.root}.`);
  if (session.running) {
    void vscode.window.showWarningMessage(`Study ${studyId} is still running: the export holds the results so far.`);
  }
  let folder = args.folder ?? await askFolder(services, join(services.resultsRoot, studyId));
  if (folder === undefined) return undefined;
  const log = openEventLog(session.dir);
  const options = studyExportOptions(log.record);
  let overwrite = args.overwrite ?? false;
  for (;;) {
    try {
      // Each attempt streams the log again: the events are never held whole.
      const written = writeStudyExport(folder, openEventLog(session.dir).events(), { ...options, overwrite });
      services.log.info(`exported ${studyId} to ${folder}: ${written.length} files`);
      break;
    } catch (error) {
      if (!(error instanceof ExportConflictError) || args.folder !== undefined) throw error;
      const answer = await vscode.window.showWarningMessage(
        `${folder} already holds an export (${error.existing.length} files).`, { modal: true }, 'Overwrite', 'Choose Another Folder',
      );
      if (answer === 'Overwrite') overwrite = true;
      else if (answer === 'Choose Another Folder') {
        folder = await pickFolder(folder);
        if (folder === undefined) return undefined;
      } else return undefined;
    }
  }
  if (args.openReport ?? true) {
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(join(folder, REPORT_FILE)));
  }
  return folder;
}

async function askFolder(services: NasServices, suggested: string): Promise<string | undefined> {
  const choice = await services.prompter.pickOne<'default' | 'pick'>('Export results to', [
    { label: `$(folder) ${vscode.workspace.asRelativePath(suggested)}`, description: 'default', value: 'default' },
    { label: '$(folder-opened) Choose a folder...', value: 'pick' },
  ]);
  if (choice === 'default') return suggested;
  return choice === 'pick' ? pickFolder(suggested) : undefined;
}

async function pickFolder(near: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export Here', defaultUri: vscode.Uri.file(near),
  });
  return picked?.[0]?.fsPath;
}
