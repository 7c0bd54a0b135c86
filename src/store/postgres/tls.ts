import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';

import { UsageError } from '../../errors.js';
import type { PostgresTarget } from '../url.js';

/**
 * TLS settings for node-pg from libpq's `sslmode`, `sslrootcert`, `sslcert`
 * and `sslkey`. node-pg gets an explicit `ssl` object (or `false`) and never
 * a connection string, so it has nothing to parse and prints no warning.
 *
 * The result is the list of attempts libpq would make: `prefer` tries TLS
 * and then plain, `allow` plain and then TLS.
 */

export type SslSetting = false | ConnectionOptions;

export interface TlsAttempt {
  readonly ssl: SslSetting;
  /** When the attempt fails this way, libpq moves on to the next attempt. */
  readonly fallBackOn: 'server-refuses-tls' | 'server-requires-tls' | null;
}

/** Default client files, as libpq looks for them in ~/.postgresql. */
function defaultFile(name: string): string {
  return path.join(homedir(), '.postgresql', name);
}

export function tlsAttempts(target: PostgresTarget): TlsAttempt[] {
  // libpq never uses TLS on a Unix socket, whatever the sslmode.
  if (target.host?.startsWith('/')) {
    return [{ ssl: false, fallBackOn: null }];
  }

  switch (target.sslmode) {
    case 'disable':
      return [{ ssl: false, fallBackOn: null }];
    case 'allow':
      return [
        { ssl: false, fallBackOn: 'server-requires-tls' },
        { ssl: encryptOnly(target), fallBackOn: null },
      ];
    case 'prefer':
      return [
        { ssl: encryptOnly(target), fallBackOn: 'server-refuses-tls' },
        { ssl: false, fallBackOn: null },
      ];
    case 'require':
      return [{ ssl: requireMode(target), fallBackOn: null }];
    case 'verify-ca':
      return [{ ssl: verified(target, false), fallBackOn: null }];
    case 'verify-full':
      return [{ ssl: verified(target, true), fallBackOn: null }];
  }
}

/** Encrypts without checking the server's certificate. */
function encryptOnly(target: PostgresTarget): ConnectionOptions {
  return { rejectUnauthorized: false, ...clientCertificate(target) };
}

/**
 * libpq treats `require` as `verify-ca` when a root certificate is present
 * (given as sslrootcert, or ~/.postgresql/root.crt), for compatibility with
 * its older versions.
 */
function requireMode(target: PostgresTarget): ConnectionOptions {
  const rootCertificate = target.sslrootcert ?? defaultFile('root.crt');
  if (target.sslrootcert !== 'system' && existsSync(rootCertificate)) {
    return verified(target, false);
  }
  return encryptOnly(target);
}

function verified(target: PostgresTarget, checkHostName: boolean): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: true, ...clientCertificate(target) };

  // `system` (libpq 16 and later) trusts the operating system's authorities,
  // which is Node's default store.
  if (target.sslrootcert !== 'system') {
    const rootCertificate = target.sslrootcert ?? defaultFile('root.crt');
    if (target.sslrootcert === undefined && !existsSync(rootCertificate)) {
      throw new UsageError(`sslmode=${target.sslmode} needs a root certificate, and ${rootCertificate} does not exist`, {
        hint: 'add sslrootcert=/path/to/ca.pem to the URL (sslrootcert=system trusts the system authorities)',
      });
    }
    options.ca = readTlsFile(rootCertificate, 'sslrootcert');
  }

  if (!checkHostName) {
    options.checkServerIdentity = () => undefined;
  }
  return options;
}

function clientCertificate(target: PostgresTarget): Pick<ConnectionOptions, 'cert' | 'key'> {
  const certificateFile = target.sslcert ?? defaultFile('postgresql.crt');
  const keyFile = target.sslkey ?? defaultFile('postgresql.key');

  // As in libpq, the default files are used only when they exist.
  if (target.sslcert === undefined && !existsSync(certificateFile)) {
    return {};
  }
  return { cert: readTlsFile(certificateFile, 'sslcert'), key: readTlsFile(keyFile, 'sslkey') };
}

function readTlsFile(file: string, parameter: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'not readable';
    throw new UsageError(`${parameter} file ${file} is ${reason}`, {
      hint: `check ${parameter} in the URL; the file must be readable by the current user`,
      cause: error,
    });
  }
}
