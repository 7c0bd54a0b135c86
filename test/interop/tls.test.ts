/**
 * TLS through `openStore` against a throwaway PostgreSQL 15 cluster: each
 * libpq sslmode keeps its libpq meaning, the connection really is (or is
 * not) encrypted, no driver warning text is printed, and the password never
 * shows in an error.
 *
 * Whether a connection is encrypted is read on the server: a trigger on the
 * backup table records `pg_stat_ssl.ssl` of the backend that inserts a row,
 * so the check reads the state of the very connection the store used.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';

import { isVarsctlError, type VarsctlError } from '../../src/errors.js';
import { openStore } from '../../src/store/index.js';
import { titled } from './support/skip.js';
import { TLS_DATABASE, TlsCluster, tlsClusterMissingReason } from './support/tls-cluster.js';

const clusterReason = tlsClusterMissingReason();
if (clusterReason !== null) {
  console.warn(`TLS tests skipped: ${clusterReason}`);
}

const BINARY = fileURLToPath(new URL('../../bin/varsctl.js', import.meta.url));
const binaryReason = existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))
  ? null
  : 'dist/ is not built: run npm run build';

const PASSWORD = 'Tls-S3cret-Pa55word';

const SETUP_SQL = `
  CREATE TABLE vars_backup (id TEXT, last_updated TIMESTAMP WITH TIME ZONE, variables TEXT, strategy_id TEXT);
  CREATE INDEX ix_vars_backup_id ON vars_backup (id);
  CREATE TABLE connection_log (strategy_id TEXT, ssl BOOLEAN, client_addr TEXT, user_name TEXT);

  CREATE FUNCTION log_connection() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO connection_log
      SELECT NEW.strategy_id, ssl.ssl, host(activity.client_addr), current_user
        FROM pg_stat_ssl AS ssl JOIN pg_stat_activity AS activity USING (pid)
       WHERE ssl.pid = pg_backend_pid();
    RETURN NEW;
  END $$;
  CREATE TRIGGER log_connection BEFORE INSERT ON vars_backup FOR EACH ROW EXECUTE FUNCTION log_connection();

  CREATE ROLE pwuser LOGIN PASSWORD '${PASSWORD}';
  CREATE ROLE certuser LOGIN;
  CREATE ROLE nossluser LOGIN;
  GRANT ALL ON vars_backup, connection_log TO PUBLIC;
`;

interface ConnectionRecord {
  readonly ssl: boolean;
  readonly client_addr: string;
  readonly user_name: string;
}

describe.skipIf(clusterReason !== null)(titled('TLS through openStore', clusterReason), () => {
  let cluster: TlsCluster;
  let strategyCounter = 0;
  let warningSpies: MockInstance[] = [];

  beforeAll(async () => {
    cluster = await TlsCluster.start();
    await cluster.admin('postgres', (client) => client.query(`CREATE DATABASE ${TLS_DATABASE}`));
    await cluster.admin(TLS_DATABASE, (client) => client.query(SETUP_SQL));
  });

  afterAll(() => {
    cluster?.stop();
  });

  // Library warnings (pg's sslmode notice, TLS "NODE_TLS_REJECT_UNAUTHORIZED"
  // notices) reach stderr through these calls; none may happen.
  beforeEach(() => {
    warningSpies = [
      vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined),
      vi.spyOn(console, 'warn').mockImplementation(() => undefined),
      vi.spyOn(console, 'error').mockImplementation(() => undefined),
    ];
  });

  afterEach(() => {
    const printed = warningSpies.flatMap((spy) => spy.mock.calls.map((call) => String(call[0])));
    vi.restoreAllMocks();

    expect(printed).toEqual([]);
  });

  /** Inserts a row through the store and returns how the server saw that connection. */
  async function connect(url: string): Promise<ConnectionRecord> {
    strategyCounter += 1;
    const strategyId = `TlsProbe ${strategyCounter}`;
    const storeWarnings: string[] = [];

    const store = await openStore({ url, table: 'vars_backup', lockTimeoutMs: 5000, onWarning: (message) => storeWarnings.push(message) });
    try {
      expect(store.displayUrl).not.toContain(PASSWORD);
      await store.insertStrategy(strategyId, '{"probe": 1}');
    } finally {
      await store.close();
    }

    const result = await cluster.admin(TLS_DATABASE, (client) =>
      client.query<ConnectionRecord>('SELECT ssl, client_addr, user_name FROM connection_log WHERE strategy_id = $1', [strategyId]),
    );
    expect(result.rows).toHaveLength(1);
    return result.rows[0]!;
  }

  /** Returns the error that opening the store or inserting through it raised. */
  async function connectError(url: string): Promise<VarsctlError> {
    let failure: unknown;
    try {
      await connect(url);
    } catch (error) {
      failure = error;
    }

    expect(failure, 'the connection was expected to fail').toBeDefined();
    expect(isVarsctlError(failure), `not a varsctl error: ${String(failure)}`).toBe(true);
    return failure as VarsctlError;
  }

  describe('server with TLS and a matching certificate', () => {
    beforeAll(async () => {
      await cluster.configure({
        tls: 'matching-cert',
        hba: [
          'hostssl all certuser 127.0.0.1/32 cert',
          'hostnossl all nossluser 127.0.0.1/32 trust',
          'host all pwuser 127.0.0.1/32 md5',
          'host all postgres 127.0.0.1/32 trust',
        ],
      });
    });

    it('sslmode=disable connects in plain text', async () => {
      const record = await connect(cluster.url('postgres', { sslmode: 'disable' }));

      expect(record.ssl).toBe(false);
      expect(record.client_addr).toBe('127.0.0.1');
    });

    it('default sslmode prefers TLS', async () => {
      const record = await connect(cluster.url('postgres'));

      expect(record.ssl).toBe(true);
    });

    it('sslmode=prefer encrypts when offered', async () => {
      const record = await connect(cluster.url('postgres', { sslmode: 'prefer' }));

      expect(record.ssl).toBe(true);
    });

    it('sslmode=prefer retries plain when TLS is rejected', async () => {
      // libpq retries without TLS when the server rejects the TLS session,
      // here because pg_hba.conf allows this role only without TLS.
      const record = await connect(cluster.url('nossluser', { sslmode: 'prefer' }));

      expect(record.ssl).toBe(false);
      expect(record.user_name).toBe('nossluser');
    });

    it('sslmode=require accepts a self-signed CA', async () => {
      const record = await connect(cluster.url('postgres', { sslmode: 'require' }));

      expect(record.ssl).toBe(true);
    });

    it('sslmode=require with sslrootcert verifies the CA', async () => {
      // libpq: with a root certificate given, require behaves as verify-ca.
      const error = await connectError(
        cluster.url('postgres', { sslmode: 'require', sslrootcert: cluster.files.otherCaCert }),
      );

      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/certificate/i);
    });

    it('sslmode=verify-ca fails without sslrootcert', async () => {
      const error = await connectError(cluster.url('postgres', { sslmode: 'verify-ca' }));

      // As in libpq, a missing root certificate file fails before connecting,
      // so it is reported as a usage error rather than a database failure.
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/certificate/i);
      expect(error.hint ?? '').not.toBe('');
    });

    it('sslmode=verify-ca works with sslrootcert', async () => {
      const record = await connect(cluster.url('postgres', { sslmode: 'verify-ca', sslrootcert: cluster.files.caCert }));

      expect(record.ssl).toBe(true);
    });

    it('sslmode=verify-ca rejects another CA', async () => {
      const error = await connectError(
        cluster.url('postgres', { sslmode: 'verify-ca', sslrootcert: cluster.files.otherCaCert }),
      );

      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/certificate/i);
    });

    it('sslmode=verify-full works when the host matches', async () => {
      const record = await connect(cluster.url('postgres', { sslmode: 'verify-full', sslrootcert: cluster.files.caCert }));

      expect(record.ssl).toBe(true);
    });

    it('client certificate authenticates certuser', async () => {
      const record = await connect(
        cluster.url('certuser', {
          sslmode: 'verify-full',
          sslrootcert: cluster.files.caCert,
          sslcert: cluster.files.clientCert,
          sslkey: cluster.files.clientKey,
        }),
      );

      expect(record.ssl).toBe(true);
      expect(record.user_name).toBe('certuser');
    });

    it('certuser without client certificate fails', async () => {
      const error = await connectError(cluster.url('certuser', { sslmode: 'verify-full', sslrootcert: cluster.files.caCert }));

      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/certuser|certificate/i);
    });

    it('sslmode=disable rejected by hostssl-only role', async () => {
      const error = await connectError(cluster.url('certuser', { sslmode: 'disable' }));

      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/pg_hba\.conf|no encryption/i);
    });

    it('password login works over TLS', async () => {
      const record = await connect(cluster.url('pwuser', { sslmode: 'require' }, PASSWORD));

      expect(record.ssl).toBe(true);
      expect(record.user_name).toBe('pwuser');
    });

    it('wrong password error hides the password', async () => {
      const wrongPassword = `${PASSWORD}-wrong`;
      const error = await connectError(cluster.url('pwuser', { sslmode: 'require' }, wrongPassword));

      expect(error.message).toMatch(/password/i);
      expect(errorText(error)).not.toContain(wrongPassword);
      expect(errorText(error)).not.toContain(PASSWORD);
    });

    it.skipIf(binaryReason !== null).each(['disable', 'prefer', 'require', 'verify-ca', 'verify-full'])(
      titled('binary stderr is empty with sslmode=%s', binaryReason),
      async (sslmode) => {
        const parameters: Record<string, string> = sslmode.startsWith('verify') ? { sslmode, sslrootcert: cluster.files.caCert } : { sslmode };
        const result = await runBinary(['--db', cluster.url('pwuser', parameters, PASSWORD), 'list', '--json']);

        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);
      },
    );

    it('TLS error hides the password', async () => {
      const error = await connectError(cluster.url('pwuser', { sslmode: 'verify-ca' }, PASSWORD));

      expect(errorText(error)).not.toContain(PASSWORD);
    });
  });

  describe('server certificate for another host', () => {
    beforeAll(async () => {
      await cluster.configure({ tls: 'wrong-host-cert', hba: ['host all postgres 127.0.0.1/32 trust'] });
    });

    it('sslmode=verify-full rejects the host name', async () => {
      const error = await connectError(cluster.url('postgres', { sslmode: 'verify-full', sslrootcert: cluster.files.caCert }));

      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/127\.0\.0\.1|host/i);
      expect(error.hint ?? '').not.toBe('');
    });

    it('sslmode=verify-ca ignores the host name', async () => {
      const record = await connect(cluster.url('postgres', { sslmode: 'verify-ca', sslrootcert: cluster.files.caCert }));

      expect(record.ssl).toBe(true);
    });
  });

  describe('server without TLS', () => {
    beforeAll(async () => {
      await cluster.configure({
        tls: 'off',
        hba: ['host all pwuser 127.0.0.1/32 md5', 'host all postgres 127.0.0.1/32 trust'],
      });
    });

    it('default sslmode falls back to plain', async () => {
      const record = await connect(cluster.url('postgres'));

      expect(record.ssl).toBe(false);
    });

    it('sslmode=disable connects in plain text', async () => {
      const record = await connect(cluster.url('postgres', { sslmode: 'disable' }));

      expect(record.ssl).toBe(false);
    });

    it('sslmode=require fails with a clear error', async () => {
      const error = await connectError(cluster.url('pwuser', { sslmode: 'require' }, PASSWORD));

      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/SSL|TLS/);
      expect(error.hint ?? '').not.toBe('');
      expect(errorText(error)).not.toContain(PASSWORD);
    });

    it.skipIf(binaryReason !== null)(titled('binary prints only error and hint', binaryReason), async () => {
      const result = await runBinary(['--db', cluster.url('pwuser', { sslmode: 'require' }, PASSWORD), 'list']);
      const lines = result.stderr.trimEnd().split('\n');

      expect(result.exitCode).toBe(1);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^error: .*TLS/);
      expect(lines[1]).toMatch(/^hint: /);
      expect(result.stderr).not.toContain(PASSWORD);
    });
  });
});

interface BinaryResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built command-line tool with no terminal and no .env in reach. */
function runBinary(args: string[]): Promise<BinaryResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DB_CONNECTION_STR'];
  delete env['PGSSLMODE'];

  return new Promise((resolveResult) => {
    execFile(process.execPath, [BINARY, ...args], { env, cwd: tmpdir() }, (error, stdout, stderr) => {
      resolveResult({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** Everything an error would print: message, hint and the messages of its causes. */
function errorText(error: VarsctlError): string {
  const parts: string[] = [error.message, error.hint ?? '', error.stack ?? ''];

  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    parts.push(cause.message, cause.stack ?? '');
    cause = cause.cause;
  }
  return parts.join('\n');
}
