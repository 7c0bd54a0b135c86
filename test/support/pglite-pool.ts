import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * A pool of in-process PGlite databases, each served over the PostgreSQL wire
 * protocol on its own 127.0.0.1 port, so `pg` code runs unchanged on a
 * machine without a PostgreSQL server.
 *
 * A PGlite instance takes seconds to start and holds a single session that
 * every connection shares, so instances are leased, one per test database,
 * and wiped on release instead of being started per test. Test workers lease
 * over a small HTTP endpoint because they run in other processes than this
 * pool.
 */

interface Instance {
  readonly db: PGlite;
  server: PGLiteSocketServer;
  readonly port: number;
  readonly url: string;
  leased: boolean;
}

// Objects a test may leave behind are wiped on release. Built-in schemas stay.
const WIPE_SQL = `
  ROLLBACK;
  RESET ALL;
  DO $$
  DECLARE
    schema_name text;
  BEGIN
    FOR schema_name IN
      SELECT nspname FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    LOOP
      EXECUTE format('DROP SCHEMA %I CASCADE', schema_name);
    END LOOP;
  END $$;
  CREATE SCHEMA public;
`;

export class PGlitePool {
  private readonly instances: Instance[] = [];
  private control: Server | undefined;

  /** Starts the lease endpoint; returns its base URL. */
  async start(): Promise<string> {
    this.control = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });

    await new Promise<void>((resolve) => this.control?.listen(0, '127.0.0.1', resolve));
    const address = this.control.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.control ? this.control.close(() => resolve()) : resolve()));

    for (const instance of this.instances) {
      await instance.server.stop();
      await instance.db.close();
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestUrl = new URL(request.url ?? '/', 'http://127.0.0.1');

    if (requestUrl.pathname === '/lease') {
      const instance = await this.lease();
      response.end(instance.url);
      return;
    }

    if (requestUrl.pathname === '/release') {
      await this.release(requestUrl.searchParams.get('url') ?? '');
      response.end('released');
      return;
    }

    response.statusCode = 404;
    response.end('unknown path');
  }

  private async lease(): Promise<Instance> {
    let instance = this.instances.find((candidate) => !candidate.leased);
    if (instance === undefined) {
      instance = await this.startInstance();
      this.instances.push(instance);
    }

    instance.leased = true;
    return instance;
  }

  private async release(url: string): Promise<void> {
    const instance = this.instances.find((candidate) => candidate.url === url);
    if (instance === undefined || !instance.leased) {
      return;
    }

    // Connections a test left open would see the wiped schema; close them first.
    await instance.server.stop();
    await instance.db.exec(WIPE_SQL);
    instance.server = await serve(instance.db, instance.port);
    instance.leased = false;
  }

  private async startInstance(): Promise<Instance> {
    const db = await PGlite.create();
    const server = await serve(db, 0);
    const port = Number(server.getServerConn().split(':').pop());

    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    return { db, server, port, url, leased: false };
  }
}

async function serve(db: PGlite, port: number): Promise<PGLiteSocketServer> {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 16 });
  await server.start();
  return server;
}
