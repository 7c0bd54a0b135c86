const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** Formats a byte count for people: `512 B`, `1.2 KB`, `3.4 MB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }

  let size = bytes / 1024;
  let unit = 0;
  while (size >= 1024 && unit < UNITS.length - 1) {
    size /= 1024;
    unit += 1;
  }

  const digits = size < 10 ? 1 : 0;
  return `${size.toFixed(digits)} ${UNITS[unit]}`;
}
