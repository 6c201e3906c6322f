/** The per-user cache folder of this tool (tables imported from Syne Tune live there by default). */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LLAMBO_NAS_CACHE) return env.LLAMBO_NAS_CACHE;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'llambo-nas');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'llambo-nas', 'cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'llambo-nas');
  return join(homedir(), '.cache', 'llambo-nas');
}
