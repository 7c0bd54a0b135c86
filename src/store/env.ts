// Placeholder signature; the repository layer replaces this module.
export interface ResolveUrlRequest {
  db: string | undefined;
  envFile: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ResolvedUrl {
  url: string;
  /** Where the URL came from, for messages: "--db", "DB_CONNECTION_STR in .env", ... */
  source: string;
  warnings: string[];
}

export function resolveDatabaseUrl(request: ResolveUrlRequest): ResolvedUrl {
  throw new Error(`not implemented: ${request.cwd}`);
}
