/**
 * A throwaway PostgreSQL 15 cluster with TLS, owned by one test file: its own
 * data folder, certificates made with openssl, a free 127.0.0.1 port and a
 * socket in its folder, so it never touches the machine's main cluster.
 * Server binaries run as the `postgres` user through `runuser`, which needs
 * root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'postgres';
export const TLS_DATABASE = 'varsctl_tls';

/** Paths of the certificates and keys the cluster and its clients use. */
export interface TlsFiles {
  readonly caCert: string;
  /** A second CA that signed nothing this server presents. */
  readonly otherCaCert: string;
  /** Issued by `caCert` for `localhost` and `127.0.0.1`. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** Issued by `caCert` for `db.varsctl.invalid` only. */
  readonly wrongHostCert: string;
  readonly wrongHostKey: string;
  /** Client certificate for the role `certuser`, issued by `caCert`. */
  readonly clientCert: string;
  readonly clientKey: string;
}

export interface ClusterSetup {
  /** `ssl = on` with the given server certificate, or `ssl = off`. */
  readonly tls: 'matching-cert' | 'wrong-host-cert' | 'off';
  /** pg_hba.conf lines after the local socket line. */
  readonly hba: readonly string[];
}

/** Returns why the cluster cannot be started here, or null when it can. */
export function tlsClusterMissingReason(): string | null {
  if (process.getuid?.() !== 0) {
    return 'not running as root, so the server binaries cannot run as the postgres user';
  }

  for (const binary of [`${PG_BIN}/initdb`, `${PG_BIN}/pg_ctl`]) {
    if (!existsSync(binary)) {
      return `${binary} not found (PostgreSQL 15 server binaries are needed)`;
    }
  }

  for (const tool of ['openssl', 'runuser']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error !== undefined) {
      return `${tool} not found on PATH`;
    }
  }

  if (spawnSync('id', ['-u', SUPERUSER], { stdio: 'ignore' }).status !== 0) {
    return `no system user "${SUPERUSER}" to run the server as`;
  }

  return null;
}

export class TlsCluster {
  private constructor(
    readonly folder: string,
    readonly port: number,
    readonly files: TlsFiles,
  ) {}

  /** Makes the certificates, runs initdb and starts the server with TLS on. */
  static async start(): Promise<TlsCluster> {
    const folder = mkdtempSync(join(tmpdir(), 'varsctl-tls-'));
    const files = makeCertificates(folder);
    const port = await findFreePort();
    const cluster = new TlsCluster(folder, port, files);

    chownTree(folder, systemUserId(SUPERUSER));
    cluster.initdb();
    await cluster.configure({ tls: 'matching-cert', hba: [`host all all 127.0.0.1/32 trust`] });
    return cluster;
  }

  /** Rewrites the TLS settings and pg_hba.conf, then restarts the server. */
  async configure(setup: ClusterSetup): Promise<void> {
    writeFileSync(join(this.dataFolder, 'varsctl.conf'), this.tlsSettings(setup.tls));
    writeFileSync(join(this.dataFolder, 'pg_hba.conf'), ['local all all trust', ...setup.hba, ''].join('\n'));

    const status = spawnSync('runuser', ['-u', SUPERUSER, '--', `${PG_BIN}/pg_ctl`, '-D', this.dataFolder, 'status'], {
      stdio: 'ignore',
    });
    const running = status.status === 0;
    this.runAsPostgres(`${PG_BIN}/pg_ctl`, [
      '-D',
      this.dataFolder,
      '-l',
      join(this.folder, 'server.log'),
      '-m',
      'fast',
      '-w',
      running ? 'restart' : 'start',
    ]);
  }

  /** Runs SQL as the superuser over the cluster's Unix socket. */
  async admin<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ host: this.folder, port: this.port, user: SUPERUSER, database });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** Builds a TCP connection URL to 127.0.0.1 with libpq-style query parameters. */
  url(user: string, parameters: Record<string, string> = {}, password?: string): string {
    const credentials = password === undefined ? user : `${user}:${encodeURIComponent(password)}`;
    const query = new URLSearchParams(parameters).toString();
    return `postgresql://${credentials}@127.0.0.1:${this.port}/${TLS_DATABASE}${query === '' ? '' : `?${query}`}`;
  }

  /** Stops the server at once and removes its folder. */
  stop(): void {
    spawnSync('runuser', ['-u', SUPERUSER, '--', `${PG_BIN}/pg_ctl`, '-D', this.dataFolder, '-m', 'immediate', '-w', 'stop'], {
      stdio: 'ignore',
    });
    rmSync(this.folder, { recursive: true, force: true });
  }

  private get dataFolder(): string {
    return join(this.folder, 'data');
  }

  private initdb(): void {
    this.runAsPostgres(`${PG_BIN}/initdb`, [
      '-D',
      this.dataFolder,
      '-U',
      SUPERUSER,
      '--auth=trust',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);

    // These settings stay the same for every setup. The TLS settings go to
    // the included file, which configure() rewrites.
    appendFileSync(
      join(this.dataFolder, 'postgresql.conf'),
      [
        '',
        `port = ${this.port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${this.folder}'`,
        'fsync = off',
        'synchronous_commit = off',
        `include 'varsctl.conf'`,
        '',
      ].join('\n'),
    );
  }

  private tlsSettings(tls: ClusterSetup['tls']): string {
    if (tls === 'off') {
      return 'ssl = off\n';
    }

    const cert = tls === 'matching-cert' ? this.files.serverCert : this.files.wrongHostCert;
    const key = tls === 'matching-cert' ? this.files.serverKey : this.files.wrongHostKey;
    return [
      'ssl = on',
      `ssl_cert_file = '${cert}'`,
      `ssl_key_file = '${key}'`,
      `ssl_ca_file = '${this.files.caCert}'`,
      '',
    ].join('\n');
  }

  private runAsPostgres(binary: string, args: string[]): void {
    execFileSync('runuser', ['-u', SUPERUSER, '--', binary, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

function makeCertificates(folder: string): TlsFiles {
  const path = (name: string): string => join(folder, name);

  makeCa(path('ca'), 'varsctl test CA');
  makeCa(path('other-ca'), 'varsctl unrelated CA');
  issue(path('ca'), path('server'), 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  issue(path('ca'), path('wrong-host'), 'db.varsctl.invalid', 'subjectAltName=DNS:db.varsctl.invalid');
  issue(path('ca'), path('client'), 'certuser', 'extendedKeyUsage=clientAuth');

  return {
    caCert: path('ca.crt'),
    otherCaCert: path('other-ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    wrongHostCert: path('wrong-host.crt'),
    wrongHostKey: path('wrong-host.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
  };
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(base: string, commonName: string): void {
  openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function issue(caBase: string, base: string, commonName: string, extension: string): void {
  openssl(['req', '-new', ...EC_KEY, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${commonName}`]);

  writeFileSync(`${base}.ext`, `${extension}\n`);
  openssl([
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    `${caBase}.crt`,
    '-CAkey',
    `${caBase}.key`,
    '-CAcreateserial',
    '-out',
    `${base}.crt`,
    '-days',
    '2',
    '-extfile',
    `${base}.ext`,
  ]);
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function systemUserId(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

// The server reads its keys and writes its data folder as the postgres user,
// and PostgreSQL rejects a key file that others can read.
function chownTree(folder: string, uid: number): void {
  chownSync(folder, uid, -1);
  for (const entry of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const path = join(folder, entry);
    chownSync(path, uid, -1);
    if (entry.endsWith('.key')) {
      chmodSync(path, 0o600);
    }
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}
