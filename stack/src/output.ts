// Progress lines and the status table printed by the launcher.
export function progress(component: string, message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  console.log(`[stack ${time}] ${component.padEnd(17)} ${message}`);
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
