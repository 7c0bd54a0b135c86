/**
 * Hostile destinations for files varsctl writes: a tiny tmpfs that fills up
 * during the write, and a read-only bind mount. Both need root with
 * CAP_SYS_ADMIN; each helper returns null when mounting is not allowed, so
 * the calling test can skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export type Unmount = () => void;

/** Mounts a tmpfs of `sizeBytes` at `target`. */
export function mountTmpfs(target: string, sizeBytes: number): Unmount | null {
  mkdirSync(target, { recursive: true });
  return mount(['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', target], target);
}

/** Makes `target` read-only by bind-mounting it onto itself with `ro`. */
export function mountReadOnly(target: string): Unmount | null {
  mkdirSync(target, { recursive: true });
  return mount(['--bind', '-o', 'ro', target, target], target);
}

function mount(args: string[], target: string): Unmount | null {
  if (process.getuid?.() !== 0) {
    return null;
  }
  const result = spawnSync('mount', args, { stdio: 'ignore' });
  if (result.error !== undefined || result.status !== 0) {
    return null;
  }
  return () => {
    spawnSync('umount', [target], { stdio: 'ignore' });
  };
}
