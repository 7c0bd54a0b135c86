import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { BIN } from './run.js';

// The launcher runs through its own #! line, as an installed `varsctl` does,
// so Node itself must not see the command's options.
describe('launcher', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'varsctl-launcher-'));
  const environment = { PATH: path.dirname(process.execPath) + path.delimiter + (process.env['PATH'] ?? '') };

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('leaves a missing --env-file to varsctl', () => {
    const result = spawnSync(BIN, ['--env-file', path.join(folder, 'missing.env'), 'list'], { env: environment, encoding: 'utf8' });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--env-file');
    expect(result.stderr).not.toContain('node:');
  });

  it('reads the --env-file itself, never as Node options', () => {
    const marker = path.join(folder, 'marker.cjs');
    writeFileSync(marker, "require('node:fs').writeFileSync(__filename + '.ran', '')\n");
    const envFile = path.join(folder, 'bot.env');
    writeFileSync(envFile, `DB_CONNECTION_STR=sqlite:///${path.join(folder, 'absent.db')}\nNODE_OPTIONS=--require ${marker}\n`);

    const result = spawnSync(BIN, ['--env-file', envFile, 'list'], { env: environment, encoding: 'utf8' });

    expect(result.status).toBe(3);
    expect(result.stderr).toContain('absent.db');
    expect(existsSync(`${marker}.ran`)).toBe(false);
  });
});
