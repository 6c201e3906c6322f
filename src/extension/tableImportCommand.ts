/**
 * "Import exact NB201 table": converts Syne Tune's nasbench201 blackbox (from a local folder, or
 * downloaded on request) into the table format, with a cancellable progress notification. The table
 * goes to the extension's global storage; new studies use it from then on (see NasServices.tablePath).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { downloadSyneTuneBlackbox } from '../core/benchmark/hfDownload';
import { importSyneTuneBlackbox } from '../core/benchmark/importSyneTune';
import { BUNDLED_TABLE_FILE, EXACT_TABLE_FILE, defaultTablePath } from '../core/benchmark/tablePaths';
import type { NasServices } from './nasServices';

/** Where the imported exact table lives for this user. */
export function importedTablePath(context: vscode.ExtensionContext): string {
  return join(context.globalStorageUri.fsPath, EXACT_TABLE_FILE);
}

/** The bundled table inside the installed extension (dist/data), else the development fallbacks. */
export function bundledTablePath(extensionPath: string): string {
  const inBundle = join(extensionPath, 'dist', 'data', BUNDLED_TABLE_FILE);
  return existsSync(inBundle) ? inBundle : defaultTablePath();
}

export async function importTableCommand(services: NasServices): Promise<string | undefined> {
  const source = await services.prompter.pickOne<'folder' | 'download'>('Import exact NB201 table', [
    { label: '$(folder) From a folder...', detail: 'metadata.json, hyperparameters.parquet, fidelities_values.npy, objectives_evaluations.npy', value: 'folder' },
    { label: '$(cloud-download) Download', detail: 'Syne Tune blackbox repository on the Hugging Face Hub (cifar10 part only, ~262 MB)', value: 'download' },
  ]);
  if (source === undefined) return undefined;
  const storage = services.context.globalStorageUri.fsPath;
  let sourceDir: string;
  if (source === 'folder') {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Import This Folder' });
    if (!picked?.[0]) return undefined;
    sourceDir = picked[0].fsPath;
  } else {
    sourceDir = join(storage, 'synetune-nasbench201');
  }
  const outPath = importedTablePath(services.context);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Importing the exact NB201 table', cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      const onProgress = (share: number, offset: number) => (fraction: number, message: string) => {
        const total = 100 * (offset + share * fraction);
        progress.report({ increment: Math.max(0, total - reported), message });
        reported = Math.max(reported, total);
      };
      try {
        if (source === 'download' && !existsSync(join(sourceDir, 'metadata.json'))) {
          await downloadSyneTuneBlackbox({ destDir: sourceDir, signal: controller.signal, onProgress: onProgress(0.8, 0) });
        }
        const result = await importSyneTuneBlackbox({
          sourceDir, outPath, bundledTablePath: bundledTablePath(services.context.extensionPath),
          signal: controller.signal, onProgress: onProgress(source === 'download' ? 0.2 : 1, source === 'download' ? 0.8 : 0),
        });
        services.log.info(`imported the exact NB201 table to ${result.outPath} (${result.archs} cells, ${result.seeds} seeds, ${result.epochs} epochs, ${result.imputedValues} imputed values)`);
        void vscode.window.showInformationMessage(`Exact NB201 table imported: new studies run on it (${result.outPath}).`);
        return result.outPath;
      } catch (error) {
        const message = controller.signal.aborted ? 'cancelled' : error instanceof Error ? error.message : String(error);
        services.log.error(`table import failed: ${message}`);
        if (!controller.signal.aborted) void vscode.window.showErrorMessage(`Table import failed: ${message}`);
        return undefined;
      }
    },
  );
}
