import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COMMAND_IDS } from '../../src/extension/commandIds';

test('the command id table and package.json contributes.commands name the same commands', () => {
  const manifest = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
  };
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(Object.values(COMMAND_IDS).sort(), declared);
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items) assert.ok(declared.includes(item.command), `menu ${menu} names undeclared command ${item.command}`);
  }
});
