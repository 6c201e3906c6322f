// `npm run bench`: runs the CLI's hidden bench command on the built bundle (extra args pass through).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`${cli} not found: run \`npm run build\` first (npm run bench does).`);
  process.exit(1);
}
const run = spawnSync(process.execPath, [cli, 'bench', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
