/**
 * The password of a connection URL never shows: not on stdout or stderr
 * (with --verbose stack traces too), not in export files or purge copies,
 * not in their names. Every command runs through every failure a URL can
 * lead to: a wrong password, an unreachable server, sslmode=require
 * against a server without TLS, invalid URLs, and errors after a good
 * connection. Export files and purge copies are readable by their owner
 * only, whatever the umask.
 *
 * The machine's PostgreSQL trusts every local connection, so passwords are
 * never checked there. These tests run a throwaway cluster with
 * scram-sha-256 authentication instead (test/interop/support/tls-cluster.ts)
 * and create a role `varsctl_secret_<random>` with a password on it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runShell, runVarsctl, shellQuote, varsctlCommand, type RunResult } from '../e2e/run.js';
import { seedBotTable } from '../e2e/seed.js';
import { titled } from '../interop/support/skip.js';
import { TLS_DATABASE, TlsCluster, tlsClusterMissingReason } from '../interop/support/tls-cluster.js';
import { createTestDatabase } from '../support/db.js';
import { runPool } from './support/pool.js';

const ROLE = `varsctl_secret_${randomBytes(4).toString('hex')}`;
// Characters that need percent-encoding in a URL, so both spellings are checked.
const PASSWORD = `Pw/${randomBytes(6).toString('hex')}@Sq`;
const WRONG_PASSWORD = `Wrong/${randomBytes(6).toString('hex')}@Pw`;
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), WRONG_PASSWORD, encodeURIComponent(WRONG_PASSWORD)];
// The random middle of each password, to catch a leak of part of one.
const SECRET_CORES = [PASSWORD.slice(3, 15), WRONG_PASSWORD.slice(6, 18)];

// Commands that fail at the connection do so in one shared step, so a few
// of them (one per kind of work) cover the rest.
const FAILING_CONNECTION = ['list', 'set', 'set invalid', 'export file', 'restore damaged', 'purge'];

const clusterReason = tlsClusterMissingReason();

/** Returns every secret, or piece of one, found in `text`. */
function leaks(text: string): string[] {
  return [...SECRETS, ...SECRET_CORES].filter((secret) => text.includes(secret));
}

/** Returns leaks in the names and contents of every file under `folder`. */
function fileLeaks(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(folder, entry);
    found.push(...leaks(entry).map((secret) => `${entry}: name contains ${secret}`));
    if (statSync(file).isFile()) {
      found.push(...leaks(readFileSync(file, 'latin1')).map((secret) => `${entry}: contents contain ${secret}`));
    }
  }
  return found;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Run {
  readonly label: string;
  readonly result: RunResult;
}

describe.skipIf(clusterReason !== null)(titled('passwords in connection URLs', clusterReason), () => {
  let cluster: TlsCluster;
  let folder: string;
  let goodExport: string;
  let damagedExport: string;

  beforeAll(async () => {
    cluster = await TlsCluster.start();
    await cluster.configure({ tls: 'off', hba: ['host all all 127.0.0.1/32 scram-sha-256'] });
    await cluster.admin('postgres', async (client) => {
      await client.query(`CREATE DATABASE ${TLS_DATABASE}`);
      await client.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD.replaceAll("'", "''")}'`);
    });
    await cluster.admin(TLS_DATABASE, async (client) => {
      await client.query(`GRANT ALL ON SCHEMA public TO ${ROLE}`);
      await client.query(`SET ROLE ${ROLE}`);
      await client.query('CREATE TABLE vars_backup (id TEXT, last_updated TIMESTAMP WITH TIME ZONE, variables TEXT, strategy_id TEXT)');
      await client.query(`INSERT INTO vars_backup VALUES
        ('a', now() - interval '2 days', '{"qty": 1}', 'Alpha'),
        ('b', now() - interval '2 days', '{"qty": 2}', 'Beta'),
        ('l', now(), '{"qty": 3}', 'Live')`);
    });

    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-secrets-'));
    goodExport = path.join(folder, 'good.jsonl');
    const exported = await runVarsctl(['--db', cluster.url(ROLE, {}, PASSWORD), 'export', '-o', goodExport, 'Beta']);
    expect(exported.exitCode).toBe(0);
    damagedExport = path.join(folder, 'damaged.jsonl');
    writeFileSync(damagedExport, readFileSync(goodExport, 'utf8').replace('"qty\\": 2', '"qty\\": 9'));
  }, 120_000);

  afterAll(async () => {
    if (cluster !== undefined) {
      await cluster.admin('postgres', async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${TLS_DATABASE} WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS ${ROLE}`);
      });
      cluster.stop();
    }
    rmSync(folder, { recursive: true, force: true });
  });

  /** Lists every command, most of them set up to fail after connecting. */
  function commands(label: string): [string, string[]][] {
    const output = path.join(folder, label);
    return [
      ['list', ['list']],
      ['show', ['show', 'Alpha']],
      ['show missing', ['show', 'Missing']],
      ['set', ['set', 'Alpha', 'qty', '5']],
      ['set invalid', ['set', 'Alpha', 'qty', 'not json']],
      ['set live', ['set', 'Live', 'qty', '5']],
      ['export', ['export', 'Alpha']],
      ['export file', ['export', '-o', path.join(output, 'export.jsonl')]],
      ['export missing table', ['--table', 'nope', 'export']],
      ['restore', ['restore', goodExport, '--yes']],
      ['restore damaged', ['restore', damagedExport, '--yes']],
      ['purge', ['purge', 'Beta', '--yes', '--backup-dir', path.join(output, 'purged')]],
      ['purge live', ['purge', 'Live', '--yes', '--backup-dir', path.join(output, 'purged')]],
    ];
  }

  /** Runs the commands with --verbose; in order when they change the database, else four at a time. */
  async function runAll(label: string, url: string, options: { only?: readonly string[]; inOrder?: boolean } = {}): Promise<Run[]> {
    mkdirSync(path.join(folder, label), { recursive: true });
    const selected = commands(label).filter(([name]) => options.only === undefined || options.only.includes(name));
    return runPool(
      selected.map(([name, args]) => async () => ({ label: `${label} ${name}`, result: await runVarsctl(['--verbose', '--db', url, ...args]) })),
      options.inOrder === true ? 1 : 4,
    );
  }

  /** Leaves out the commands that reject their input before they connect. */
  function connecting(runs: readonly Run[]): Run[] {
    return runs.filter((run) => !run.label.endsWith('set invalid') && !run.label.endsWith('restore damaged'));
  }

  function outputLeaks(runs: readonly Run[]): string[] {
    return runs.flatMap((run) => leaks(run.result.stdout + run.result.stderr).map((secret) => `${run.label}: output contains ${secret}`));
  }

  it('keeps the password out of every command that connects', async () => {
    const runs = await runAll('good', cluster.url(ROLE, {}, PASSWORD), { inOrder: true });

    expect(outputLeaks(runs)).toEqual([]);
    expect(fileLeaks(folder)).toEqual([]);
    const codes = Object.fromEntries(runs.map((run) => [run.label, run.result.exitCode]));
    expect(codes).toEqual({
      'good list': 0,
      'good show': 0,
      'good show missing': 3,
      'good set': 0,
      'good set invalid': 2,
      'good set live': 4,
      'good export': 0,
      'good export file': 0,
      'good export missing table': 3,
      'good restore': 0,
      'good restore damaged': 5,
      'good purge': 0,
      'good purge live': 4,
    });
    // The export header names the database with the password masked.
    expect(readFileSync(path.join(folder, 'good', 'export.jsonl'), 'utf8')).toContain(`postgresql://${ROLE}:***@127.0.0.1`);
  });

  it('keeps a password given as a query parameter out', async () => {
    const url = `postgresql://${ROLE}@127.0.0.1:${cluster.port}/${TLS_DATABASE}?password=${encodeURIComponent(PASSWORD)}`;
    const runs = await runAll('query', url, { only: ['list', 'show missing', 'export file', 'restore damaged'], inOrder: true });

    expect(runs.map((run) => run.result.exitCode)).toEqual([0, 3, 0, 5]);
    expect(outputLeaks(runs)).toEqual([]);
    expect(fileLeaks(folder)).toEqual([]);
  });

  it('keeps a wrong password out', async () => {
    const runs = await runAll('wrong', cluster.url(ROLE, {}, WRONG_PASSWORD), { only: FAILING_CONNECTION });

    expect(outputLeaks(runs)).toEqual([]);
    for (const run of connecting(runs)) {
      expect(run.result.exitCode).toBe(1);
      expect(run.result.stderr).toContain(`password authentication failed for user "${ROLE}"`);
    }
  });

  it('explains a missing password', async () => {
    const url = `postgresql://${ROLE}@127.0.0.1:${cluster.port}/${TLS_DATABASE}`;
    const env = { PGPASSWORD: undefined, PGPASSFILE: path.join(tmpdir(), 'varsctl-no-pgpass') };
    const result = await runVarsctl(['--db', url, 'list'], { env });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`the server requires a password for user "${ROLE}", and none was given`);
    expect(result.stderr).toContain('PGPASSWORD');
  });

  it('reads a password file without a warning', async () => {
    const passFile = path.join(mkdtempSync(path.join(tmpdir(), 'varsctl-pgpass-')), 'pgpass');
    writeFileSync(passFile, `127.0.0.1:${cluster.port}:${TLS_DATABASE}:${ROLE}:${PASSWORD.replaceAll(':', '\\:')}\n`, { mode: 0o600 });
    const url = `postgresql://${ROLE}@127.0.0.1:${cluster.port}/${TLS_DATABASE}`;

    const result = await runVarsctl(['--db', url, 'list'], { env: { PGPASSWORD: undefined, PGPASSFILE: passFile } });
    rmSync(path.dirname(passFile), { recursive: true, force: true });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('DeprecationWarning');
  });

  it('keeps the password out when TLS fails', async () => {
    const runs = await runAll('tls', cluster.url(ROLE, { sslmode: 'require' }, PASSWORD), { only: FAILING_CONNECTION });

    expect(outputLeaks(runs)).toEqual([]);
    for (const run of connecting(runs)) {
      expect(run.result.exitCode).toBe(1);
      expect(run.result.stderr).toContain('the server does not support TLS');
    }
  });

  it('keeps the password out when the server is unreachable', async () => {
    const url = `postgresql://${ROLE}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${await closedPort()}/${TLS_DATABASE}`;
    const runs = await runAll('unreachable', url, { only: FAILING_CONNECTION });

    expect(outputLeaks(runs)).toEqual([]);
    for (const run of connecting(runs)) {
      expect(run.result.exitCode).toBe(1);
      expect(run.result.stderr).toContain('connection refused');
    }
  });

  it.each([
    ['a port out of range', `postgresql://${ROLE}:${encodeURIComponent(PASSWORD)}@127.0.0.1:99999/db`],
    ['an unknown parameter', `postgresql://${ROLE}:${encodeURIComponent(PASSWORD)}@127.0.0.1/db?sslmod=require`],
    ['a raw @ in the password', `postgresql://${ROLE}:${PASSWORD}@127.0.0.1/db`],
    ['no host', `postgresql://${ROLE}:${PASSWORD.replaceAll('@', '')}`],
    ['one slash', `postgresql:/${ROLE}:${PASSWORD}@127.0.0.1/db`],
    ['an encoded parameter name', `postgresql://${ROLE}@127.0.0.1/db?pass%77ord=${encodeURIComponent(PASSWORD)}&sslmode=nope`],
    ['a misspelt parameter', `postgresql://${ROLE}@127.0.0.1/db?pasword=${encodeURIComponent(PASSWORD)}`],
  ])('keeps the password out of an invalid URL with %s', async (label, url) => {
    const runs = await runAll(`invalid-${label.replaceAll(' ', '-')}`, url, { only: ['list', 'export file'] });

    expect(outputLeaks(runs)).toEqual([]);
    for (const run of runs) {
      expect(run.result.exitCode).toBe(2);
    }
  });

  it('keeps a password from .env and the environment out', async () => {
    const project = path.join(folder, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, '.env'), `DB_CONNECTION_STR="${cluster.url(ROLE, {}, WRONG_PASSWORD)}"\n`);

    const fromFile = await runVarsctl(['--verbose', 'list'], { cwd: project });
    const fromEnvironment = await runVarsctl(['--verbose', 'list'], {
      env: { DB_CONNECTION_STR: cluster.url(ROLE, { sslmode: 'require' }, PASSWORD) },
    });

    expect(fromFile.exitCode).toBe(1);
    expect(fromEnvironment.exitCode).toBe(1);
    expect(leaks(fromFile.stdout + fromFile.stderr)).toEqual([]);
    expect(leaks(fromEnvironment.stdout + fromEnvironment.stderr)).toEqual([]);
  });
});

describe('file modes', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-modes-'));
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes export files and purge copies as 0600 under umask 000', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      await seedBotTable(db, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
      const exportFile = path.join(folder, 'export.jsonl');
      const purged = path.join(folder, 'purged');
      const base = `umask 000 && ${varsctlCommand()} --db ${shellQuote(db.url)}`;

      const exported = await runShell(`${base} export -o ${shellQuote(exportFile)}`);
      const purge = await runShell(`${base} purge Alpha --yes --backup-dir ${shellQuote(purged)}`);

      expect(exported.exitCode).toBe(0);
      expect(purge.exitCode).toBe(0);
      expect(statSync(exportFile).mode & 0o777).toBe(0o600);
      expect(statSync(purged).mode & 0o777).toBe(0o700);
      const copies = readdirSync(purged);
      expect(copies).toHaveLength(1);
      expect(statSync(path.join(purged, copies[0] ?? '')).mode & 0o777).toBe(0o600);
    } finally {
      await db.close();
    }
  });
});
