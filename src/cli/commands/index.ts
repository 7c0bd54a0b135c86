import type { Command } from 'commander';

/** Each command module adds its subcommand to the program and returns it. */
export type RegisterCommand = (program: Command) => Command;

export const COMMANDS: readonly RegisterCommand[] = [];
