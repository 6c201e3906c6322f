/**
 * The one mapping from a filesystem error met while preparing an output folder (a study's --out, the
 * baselines' folders, an export's --out) to a message saying what is wrong, where, and the fix. Node's
 * own text ("EEXIST: file already exists, mkdir '/x'") names a system call, not the problem.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

/** An output folder cannot be created or written; the message is meant for the user as it is. */
export class OutputFolderError extends Error {
  override name = 'OutputFolderError';
  constructor(message: string, readonly folder: string, readonly code: string) {
    super(message);
  }
}

/** The fix common to every case: another folder, or the named repair. */
const elsewhere = 'or choose another output folder';

function problem(code: string, folder: string, at: string): string | undefined {
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `${at} is a file, so the output folder ${folder} cannot be created there; remove or rename the file, ${elsewhere}`;
    case 'EISDIR':
      return `${at} is a folder where the output needs a file; remove it, ${elsewhere}`;
    case 'EROFS':
      return `the output folder ${folder} is on a read-only filesystem (at ${at}); choose an output folder on a writable disk`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write ${at} for the output folder ${folder}; fix its permissions, ${elsewhere} you can write to`;
    case 'ENOENT':
      return `the output folder ${folder} cannot be created: ${at} does not exist and cannot be made (a read-only or missing mount?); ${elsewhere} on a writable disk`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the disk holding the output folder ${folder}; free some space, ${elsewhere} on another disk`;
    case 'ENAMETOOLONG':
      return `the output folder path ${folder} is too long for the filesystem; choose a shorter path`;
    default:
      return undefined;
  }
}

/** The file standing where a folder of `path` should be: `path` itself or the nearest ancestor that exists. */
function fileInTheWay(path: string): string {
  for (let at = path; ; at = dirname(at)) {
    if (existsSync(at)) return at;
    if (dirname(at) === at) return path;
  }
}

/** `error` as an OutputFolderError when it is a filesystem error this module explains; otherwise `error` itself. */
export function outputFolderError(error: unknown, folder: string): unknown {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string') return error;
  const at = typeof path === 'string' ? path : folder;
  const message = problem(code, folder, code === 'ENOTDIR' ? fileInTheWay(at) : at);
  return message === undefined ? error : new OutputFolderError(message, folder, code);
}

/** Runs `prepare` (creating or writing `folder`), turning the filesystem errors it throws into OutputFolderError. */
export function preparingOutputFolder<T>(folder: string, prepare: () => T): T {
  try {
    return prepare();
  } catch (error) {
    throw outputFolderError(error, folder);
  }
}
