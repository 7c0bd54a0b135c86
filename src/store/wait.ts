/** Formats a wait in milliseconds for messages: `5 s`, `0.4 s`. */
export function formatWait(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
