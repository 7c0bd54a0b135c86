import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes `target` a folder in which this process cannot create files: mode
 * 0555, plus the immutable attribute when running as root, which ignores
 * the mode. Returns a function that undoes it, or null when neither works
 * (root on a file system without chattr support).
 */
export function makeReadOnlyFolder(target: string): (() => void) | null {
  mkdirSync(target, { recursive: true });
  chmodSync(target, 0o555);
  if (!canCreateIn(target)) {
    return () => chmodSync(target, 0o755);
  }

  try {
    execFileSync('chattr', ['+i', target], { stdio: 'ignore' });
  } catch {
    chmodSync(target, 0o755);
    return null;
  }
  if (canCreateIn(target)) {
    execFileSync('chattr', ['-i', target], { stdio: 'ignore' });
    chmodSync(target, 0o755);
    return null;
  }

  return () => {
    execFileSync('chattr', ['-i', target], { stdio: 'ignore' });
    chmodSync(target, 0o755);
  };
}

function canCreateIn(target: string): boolean {
  const probe = path.join(target, '.probe');
  try {
    writeFileSync(probe, '');
    rmSync(probe);
    return true;
  } catch {
    return false;
  }
}
