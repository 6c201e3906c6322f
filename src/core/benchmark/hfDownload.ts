/**
 * Downloads Syne Tune's nasbench201 blackbox from the Hugging Face Hub (dataset
 * `synetune/blackbox-repository`, folder `nasbench201`). The small files come whole; of the ~750 MB
 * objectives_evaluations.npy only the header and the cifar10 block (the first of the 3 tasks, ~262 MB)
 * are fetched with HTTP Range requests and saved as a valid .npy of shape (1, archs, seeds, epochs,
 * objectives); metadata.json is saved with task_names narrowed to match, and is written last, so its
 * presence means the folder is complete.
 */
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadFile, downloadRangeTo, fetchBytes, fetchRange, type TransferOptions } from './httpDownload';
import type { ImportProgress } from './importSyneTune';
import { encodeNpyHeader, npyHeaderLength, parseNpyHeader, type NpyHeader } from './npyHeader';

export const SYNETUNE_NASBENCH201_URL = 'https://huggingface.co/datasets/synetune/blackbox-repository/resolve/main/nasbench201';
const NPY_PROBE_BYTES = 4096;
const MB = 1024 * 1024;

export interface DownloadSyneTuneOptions {
  readonly destDir: string;
  /** Folder URL holding the blackbox files; default $NB201_DOWNLOAD_BASE_URL or the Hugging Face Hub. */
  readonly baseUrl?: string;
  readonly task?: string;
  readonly onProgress?: ImportProgress;
  readonly signal?: AbortSignal;
  /** Longest wait for the host to send anything (reply headers or the next bytes); see httpDownload.ts. */
  readonly idleTimeoutMs?: number;
}

export function syneTuneBaseUrl(baseUrl?: string): string {
  return (baseUrl ?? process.env.NB201_DOWNLOAD_BASE_URL ?? SYNETUNE_NASBENCH201_URL).replace(/\/+$/, '');
}

export async function downloadSyneTuneBlackbox(options: DownloadSyneTuneOptions): Promise<void> {
  const { destDir, signal, idleTimeoutMs } = options;
  const base = syneTuneBaseUrl(options.baseUrl);
  const task = options.task ?? 'cifar10';
  const meter = new ByteMeter(options.onProgress);
  await mkdir(destDir, { recursive: true });
  const temps: string[] = [];
  try {
    meter.phase('metadata.json');
    const metadata = JSON.parse(Buffer.from(await fetchBytes(`${base}/metadata.json`, { signal, idleTimeoutMs, onBytes: meter.counter() })).toString('utf8'));
    const taskNames: string[] = Array.isArray(metadata.task_names) ? metadata.task_names : ['cifar10', 'cifar100', 'ImageNet16-120'];
    const taskIndex = taskNames.indexOf(task);
    if (taskIndex < 0) throw new Error(`task ${task} is not in the blackbox's task_names ${JSON.stringify(taskNames)}`);

    const npyUrl = `${base}/objectives_evaluations.npy`;
    meter.phase('objectives_evaluations.npy header');
    const header = await fetchNpyHeader(npyUrl, { signal, idleTimeoutMs });
    if (header.shape.length !== 5 || header.shape[0] !== taskNames.length) {
      throw new Error(`objectives_evaluations.npy has shape ${JSON.stringify(header.shape)}; expected ${taskNames.length} tasks first`);
    }
    const taskBytes = header.dataByteLength / header.shape[0];
    meter.expect(taskBytes);

    for (const name of ['hyperparameters.parquet', 'fidelities_values.npy']) {
      meter.phase(name);
      const tmp = join(destDir, `${name}.part`);
      temps.push(tmp);
      await downloadFile(`${base}/${name}`, tmp, { signal, idleTimeoutMs, onBytes: meter.counter() });
      await rename(tmp, join(destDir, name));
    }

    meter.phase(`objectives_evaluations.npy (${task} part, ${(taskBytes / MB).toFixed(1)} MB)`);
    const npyTmp = join(destDir, 'objectives_evaluations.npy.part');
    temps.push(npyTmp);
    const newHeader = encodeNpyHeader(header.descr, [1, ...header.shape.slice(1)]);
    const file = await open(npyTmp, 'w');
    try {
      await file.write(newHeader, 0, newHeader.byteLength, 0);
      await downloadRangeTo(npyUrl, header.dataOffset + taskIndex * taskBytes, taskBytes, file, newHeader.byteLength, { signal, idleTimeoutMs, onBytes: meter.counter(true) });
    } finally {
      await file.close();
    }
    await rename(npyTmp, join(destDir, 'objectives_evaluations.npy'));

    const narrowed = {
      ...metadata,
      task_names: [task],
      original_task_names: taskNames,
      download_note: `objectives_evaluations.npy holds only the ${task} task (bytes of task ${taskIndex} fetched with HTTP Range from ${npyUrl})`,
    };
    await writeFile(join(destDir, 'metadata.json'), JSON.stringify(narrowed, null, 1));
    meter.done();
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw err;
  }
}

async function fetchNpyHeader(url: string, transfer: TransferOptions): Promise<NpyHeader> {
  let bytes = await fetchRange(url, 0, NPY_PROBE_BYTES, transfer);
  const length = npyHeaderLength(bytes);
  if (length > bytes.byteLength) bytes = await fetchRange(url, 0, length, transfer);
  return parseNpyHeader(bytes);
}

/** Turns per-transfer byte counts into one monotonic fraction over everything downloaded, throttled. */
class ByteMeter {
  private doneBytes = 0;
  private expected = 0;
  private label = '';
  private lastFraction = -1;
  private planned = false;

  constructor(private readonly onProgress?: ImportProgress) {}

  phase(label: string): void {
    this.label = label;
    this.emit(true);
  }

  /** Announce the big transfer; until then the size of the whole download is unknown and progress stays 0. */
  expect(bytes: number): void {
    this.expected += bytes;
    this.planned = true;
  }

  /** A per-transfer callback. Bytes of a transfer whose size was not announced by expect() grow the total too. */
  counter(announced = false): (received: number) => void {
    let seen = 0;
    return (received) => {
      this.doneBytes += received - seen;
      if (!announced) this.expected += received - seen;
      seen = received;
      this.emit(false);
    };
  }

  done(): void {
    this.label = 'download complete';
    this.lastFraction = -1;
    this.onProgress?.(1, `${this.label}: ${(this.doneBytes / MB).toFixed(1)} MB`);
  }

  private emit(force: boolean): void {
    const total = Math.max(this.expected, 1);
    const fraction = this.planned ? Math.min(0.999, Math.max(this.lastFraction, this.doneBytes / total)) : 0;
    if (!force && fraction - this.lastFraction < 0.002) return;
    this.lastFraction = fraction;
    this.onProgress?.(fraction, `downloading ${this.label}: ${(this.doneBytes / MB).toFixed(1)} / ${(total / MB).toFixed(1)} MB`);
  }
}
