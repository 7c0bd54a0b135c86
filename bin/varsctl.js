#!/usr/bin/env -S node --
// The `--` matters: Node 20 reads `--env-file` anywhere on its command line,
// even after the script name, and would take varsctl's own --env-file option
// for itself. After `--`, every argument belongs to varsctl.
import { main } from '../dist/cli/main.js';

main(process.argv);
