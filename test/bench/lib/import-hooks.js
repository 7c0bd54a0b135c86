// Module hooks that append the URL of every module resolved to the file named
// by VARSCTL_BENCH_IMPORTS, to see what a command loads at start-up.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(process.env.VARSCTL_BENCH_IMPORTS, `${resolved.url}\n`);
  return resolved;
}
