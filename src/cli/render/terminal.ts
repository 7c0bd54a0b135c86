/**
 * Returns the width in columns of the terminal `stream` writes to, or null
 * when the stream is not a terminal or reports no width (a pseudo-terminal
 * that was never sized reports 0).
 */
export function terminalColumns(stream: NodeJS.WriteStream): number | null {
  return stream.isTTY && stream.columns > 0 ? stream.columns : null;
}
