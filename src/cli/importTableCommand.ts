/**
 * `import-table`: converts Syne Tune's nasbench201 blackbox (a local folder, or downloaded on request)
 * into this tool's table format, so studies can run on the exact per-epoch data.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { downloadSyneTuneBlackbox, syneTuneBaseUrl } from '../core/benchmark/hfDownload';
import { DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS, DownloadTimeoutError } from '../core/benchmark/httpDownload';
import { importSyneTuneBlackbox } from '../core/benchmark/importSyneTune';
import { defaultTablePath, EXACT_TABLE_FILE } from '../core/benchmark/tablePaths';
import { NUMERIC_RANGES } from '../core/study/numericRanges';
import { parseCommandArgs, rangedFlag, stringFlag, UsageError } from './cliArgs';
import type { CommandOutput } from './commandOutput';
import { ProgressBar } from './progressBar';
import { userCacheDir } from './userCacheDir';

export function defaultExactTablePath(): string {
  return join(userCacheDir(), EXACT_TABLE_FILE);
}

export function defaultDownloadDir(): string {
  return join(userCacheDir(), 'synetune-nasbench201');
}

export const IMPORT_TABLE_HELP = `Usage: node dist/cli.js import-table (--from DIR | --download [--dest DIR] [--base-url URL] [--download-timeout-ms N]) [--out PATH] [--force]

Converts Syne Tune's nasbench201 blackbox (metadata.json, hyperparameters.parquet,
fidelities_values.npy, objectives_evaluations.npy) into the exact per-epoch table for CIFAR-10.

  --from DIR       a folder holding those four files
  --download       fetch them from the Hugging Face Hub (synetune/blackbox-repository; only the
                   cifar10 part of objectives_evaluations.npy, ~262 MB, is downloaded)
  --dest DIR       where --download puts the files (default ${defaultDownloadDir()})
  --base-url URL   download from this folder URL instead (or set NB201_DOWNLOAD_BASE_URL)
  --download-timeout-ms N   fail when the host sends nothing for N ms (default ${DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS})
  --out PATH       the table to write (default ${defaultExactTablePath()})
  --force          overwrite an existing --out file; re-download even if --dest is complete
  --reference-table PATH   table giving the NB201 arch order and real per-arch columns
                   (default: the bundled table)

Then run studies on it with --table PATH.`;

export async function importTableCommand(args: readonly string[], out: CommandOutput, signal?: AbortSignal): Promise<number> {
  const values = parseCommandArgs('import-table', args, {
    from: { type: 'string' }, download: { type: 'boolean' }, dest: { type: 'string' }, 'base-url': { type: 'string' },
    'download-timeout-ms': { type: 'string' },
    out: { type: 'string' }, force: { type: 'boolean' }, 'reference-table': { type: 'string' },
  });
  if (values.help) { out.stdout(IMPORT_TABLE_HELP); return 0; }
  const from = stringFlag(values, 'from');
  const download = values.download === true;
  if ((from === undefined) === !download) throw new UsageError('import-table: give exactly one of --from DIR or --download');
  if (!download && (values.dest !== undefined || values['base-url'] !== undefined || values['download-timeout-ms'] !== undefined)) {
    throw new UsageError('import-table: --dest, --base-url and --download-timeout-ms go with --download');
  }
  const idleTimeoutMs = rangedFlag(values, 'download-timeout-ms', NUMERIC_RANGES.downloadTimeoutMs);
  const outPath = resolve(stringFlag(values, 'out') ?? defaultExactTablePath());
  const force = values.force === true;
  if (existsSync(outPath) && !force) {
    out.stderr(`error: ${outPath} already exists (use --force to replace it, or run studies on it with --table ${outPath})`);
    return 1;
  }

  let sourceDir = from === undefined ? undefined : resolve(from);
  if (download) {
    sourceDir = resolve(stringFlag(values, 'dest') ?? defaultDownloadDir());
    if (existsSync(join(sourceDir, 'metadata.json')) && !force) {
      out.stderr(`Using the blackbox already downloaded to ${sourceDir} (--force downloads again).`);
    } else {
      const baseUrl = stringFlag(values, 'base-url');
      out.stderr(`Downloading Syne Tune's nasbench201 blackbox from ${syneTuneBaseUrl(baseUrl)} to ${sourceDir}`);
      const bar = new ProgressBar('download', out.progressStream);
      try {
        await downloadSyneTuneBlackbox({ destDir: sourceDir, baseUrl, signal, idleTimeoutMs, onProgress: (f, message) => bar.update(f, message) });
      } catch (error) {
        if (!(error instanceof DownloadTimeoutError)) throw error;
        bar.finish();
        out.stderr(`error: download timed out: ${error.message}. Check that ${error.host} is up, then retry; ` +
          `on a slow link allow a longer wait with --download-timeout-ms ${Math.min(error.idleMs * 4, NUMERIC_RANGES.downloadTimeoutMs.max)}`);
        return 1;
      } finally {
        bar.finish();
      }
    }
  }
  const bar = new ProgressBar('import', out.progressStream);
  let result;
  try {
    result = await importSyneTuneBlackbox({
      sourceDir: sourceDir!, outPath, signal,
      bundledTablePath: resolve(stringFlag(values, 'reference-table') ?? defaultTablePath()),
      onProgress: (f, message) => bar.update(f, message),
    });
  } finally {
    bar.finish();
  }
  out.stdout(`Wrote ${result.outPath}: ${result.archs} archs x ${result.seeds} seeds x ${result.epochs} epochs in ${result.seconds.toFixed(1)} s` +
    (result.imputedValues > 0 ? ` (${result.imputedValues} missing values imputed as the mean of the other seeds)` : ''));
  out.stdout(`Run studies on the exact table with: node dist/cli.js study --table ${result.outPath}`);
  return 0;
}
