import type { Command } from 'commander';

import { registerDemo } from './demo.js';
import { registerList } from './list.js';
import { registerSet } from './set.js';
import { registerShow } from './show.js';

import { registerExport } from './export.js';
import { registerPurge } from './purge.js';
import { registerRestore } from './restore.js';

/** Each command module adds its subcommand to the program and returns it. */
export type RegisterCommand = (program: Command) => Command;

export const COMMANDS: readonly RegisterCommand[] = [
  registerList,
  registerShow,
  registerSet,
  registerDemo,
  registerExport,
  registerRestore,
  registerPurge,
];
