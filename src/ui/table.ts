/**
 * Plain-text tables for stdout (no Ink: output a pipe or a file can hold). Columns are padded to
 * the widest cell; the widest flexible column is shortened with "…" to fit the terminal.
 */
export interface Column<T> {
  header: string
  value: (row: T) => string
  /** May be shortened to fit `maxWidth`. */
  flex?: boolean
}

export interface TableOptions {
  /** Terminal width; no limit when undefined (a pipe). */
  maxWidth?: number
  gap?: number
}

const width = (s: string): number => [...s].length

function shorten(s: string, n: number): string {
  const chars = [...s]
  if (chars.length <= n) return s
  return n <= 1 ? '…'.slice(0, n) : chars.slice(0, n - 1).join('') + '…'
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: TableOptions = {}): string {
  const gap = ' '.repeat(options.gap ?? 2)
  const cells = rows.map((r) => columns.map((c) => c.value(r).replace(/\s*\n\s*/g, ' ')))
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((row) => width(row[i] ?? ''))))
  if (options.maxWidth) {
    const total = () => widths.reduce((a, b) => a + b, 0) + gap.length * (columns.length - 1)
    // Shrink the widest flexible column until the table fits (or it is down to 10 chars).
    while (total() > options.maxWidth) {
      let idx = -1
      for (let i = 0; i < columns.length; i++) if (columns[i]?.flex && (idx < 0 || (widths[i] ?? 0) > (widths[idx] ?? 0))) idx = i
      if (idx < 0 || (widths[idx] ?? 0) <= 10) break
      widths[idx] = Math.max(10, (widths[idx] ?? 0) - (total() - options.maxWidth))
    }
  }
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0
        const s = shorten(v, w)
        return i === values.length - 1 ? s : s + ' '.repeat(w - width(s))
      })
      .join(gap)
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n'
}
