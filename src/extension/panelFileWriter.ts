/**
 * Writes a file the study panel made (a chart as PNG or SVG, the trials table as CSV) into the
 * study's results folder. The panel only names the file: any folder part of the name is dropped, the
 * extension is made to match the kind, and an existing file is never replaced (`name-1.png`,
 * `name-2.png`, ... instead; the exclusive create makes that safe against a concurrent writer too).
 * No 'vscode' here, so the rules are plain to test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SaveFileParams } from '../protocol';

const KINDS: readonly SaveFileParams['kind'][] = ['png', 'svg', 'csv'];
/** Characters Windows, macOS or Linux refuse in a file name, and control characters. */
// eslint-disable-next-line no-control-regex -- the control characters are what this refuses
const UNSAFE = /[<>:"|?*\u0000-\u001f\u007f]/g;
const MAX_SUFFIX = 9999;

/** Why the panel's file was refused (shown in the panel's status line). */
export class PanelFileError extends Error {
  override name = 'PanelFileError';
}

/** The file name the panel asked for, made safe: no folders, no unsafe characters, the kind's extension. */
export function safeFileName(fileName: string, kind: SaveFileParams['kind']): string {
  const base = fileName.split(/[\\/]/).pop()?.replace(UNSAFE, '_').trim() ?? '';
  const name = base.replace(/^\.+/, '');
  if (name === '') throw new PanelFileError(`"${fileName}" is not a file name`);
  return name.toLowerCase().endsWith(`.${kind}`) ? name : `${name}.${kind}`;
}

/** The bytes to write; a PNG must come as base64, SVG and CSV as text. */
export function fileBytes(params: SaveFileParams): Uint8Array | string {
  if (!KINDS.includes(params.kind)) throw new PanelFileError(`cannot save files of kind "${String(params.kind)}"`);
  if (typeof params.data !== 'string') throw new PanelFileError('no file content');
  const binary = params.kind === 'png';
  if (binary !== (params.encoding === 'base64')) throw new PanelFileError(`a ${params.kind} file must come ${binary ? 'base64' : 'as text (utf8)'}`);
  return binary ? Buffer.from(params.data, 'base64') : params.data;
}

/** Writes into `folder` (created if missing) under a name no file has yet; returns the absolute path. */
export function writePanelFile(folder: string, params: SaveFileParams): string {
  const bytes = fileBytes(params);
  const name = safeFileName(params.fileName, params.kind);
  mkdirSync(folder, { recursive: true });
  const dot = name.lastIndexOf('.');
  const [stem, ext] = [name.slice(0, dot), name.slice(dot)];
  for (let n = 0; n <= MAX_SUFFIX; n++) {
    const path = join(folder, n === 0 ? name : `${stem}-${n}${ext}`);
    try {
      writeFileSync(path, bytes, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new PanelFileError(`${folder} already holds ${name} and ${MAX_SUFFIX} numbered copies`);
}
