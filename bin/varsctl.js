#!/usr/bin/env -S node --
// The `--` matters: Node 20 reads `--env-file` anywhere on its command line,
// even after the script name, and would take varsctl's own --env-file option
// for itself. After `--`, every argument belongs to varsctl.
// dist/bundle/ is the CLI bundled by `npm run build` (scripts/bundle.js).
import { main } from '../dist/bundle/main.js';

main(process.argv);
