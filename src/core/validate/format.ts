import type {CheckResult, CheckStatus, ValidateReport} from './types.js'

const LABEL: Record<CheckStatus, string> = {pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP'}
const SYMBOL: Record<CheckStatus, string> = {pass: '✓', warn: '!', fail: '✗', skip: '-'}

export function summarize(report: ValidateReport): string {
  const n = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length
  // Without a failed check, a FAILED verdict can only come from --strict: say so.
  const verdict = report.ok ? 'OK' : n('fail') === 0 ? 'FAILED (--strict: warnings count as failures)' : 'FAILED'
  const warnings = `${n('warn')} ${n('warn') === 1 ? 'warning' : 'warnings'}`
  return `validate ${verdict}: ${n('pass')} passed, ${warnings}, ${n('fail')} failed, ${n('skip')} skipped (${(report.durationMs / 1000).toFixed(1)} s)`
}

/** One line per check and an indented remedy: greppable in CI logs. */
export function formatPlain(report: ValidateReport): string {
  const lines: string[] = []
  for (const c of report.checks) {
    lines.push(`${LABEL[c.status]} ${c.id}: ${c.detail}`)
    if (c.remedy && c.status !== 'pass') lines.push(`     remedy: ${c.remedy}`)
  }
  lines.push(summarize(report))
  return lines.join('\n') + '\n'
}

/** Words never split unless one alone is wider than the line (a URL): then it is cut hard, never left to the terminal. */
function wrap(text: string, width: number): string[] {
  const out: string[] = []
  let line = ''
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while ([...word].length > width) {
      if (line) {
        out.push(line)
        line = ''
      }
      out.push([...word].slice(0, width).join(''))
      word = [...word].slice(width).join('')
    }
    if (line && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(line)
  return out
}

/** "✓ PASS  " before the title, two spaces after it, and one column spare so the terminal never wraps on its own. */
const STATUS_WIDTH = 8
const MIN_DETAIL = 24
const MIN_TITLE = 12

/**
 * For a terminal: status symbol, title, wrapped detail, remedy under it. Every line fits `columns`: the
 * title column gives way first (shortened with "…"); when even a short title leaves too little room for
 * the detail, the detail and remedy move under the title at full width.
 */
export function formatTable(report: ValidateReport, columns = 100): string {
  const longest = Math.max(0, ...report.checks.map((c: CheckResult) => c.title.length))
  const titleWidth = Math.min(38, longest, columns - STATUS_WIDTH - 3 - MIN_DETAIL)
  const stacked = titleWidth < MIN_TITLE
  const lines: string[] = []
  if (stacked) {
    const width = Math.max(10, columns - 5)
    for (const c of report.checks) {
      const head = `${SYMBOL[c.status]} ${LABEL[c.status]}  ${c.title}`
      lines.push(head.length > columns - 1 ? head.slice(0, columns - 2) + '…' : head)
      for (const d of wrap(c.detail, width)) lines.push(`    ${d}`)
      if (c.remedy && c.status !== 'pass') for (const r of wrap(`→ ${c.remedy}`, width)) lines.push(`    ${r}`)
    }
  } else {
    const detailWidth = columns - titleWidth - STATUS_WIDTH - 3
    const indent = ' '.repeat(titleWidth + STATUS_WIDTH + 2)
    for (const c of report.checks) {
      const title = c.title.length > titleWidth ? c.title.slice(0, titleWidth - 1) + '…' : c.title.padEnd(titleWidth)
      const detail = wrap(c.detail, detailWidth)
      lines.push(`${SYMBOL[c.status]} ${LABEL[c.status]}  ${title}  ${detail[0] ?? ''}`.trimEnd())
      for (const more of detail.slice(1)) lines.push(indent + more)
      if (c.remedy && c.status !== 'pass') for (const r of wrap(`→ ${c.remedy}`, detailWidth)) lines.push(indent + r)
    }
  }
  lines.push('', ...wrap(summarize(report), columns - 1))
  return lines.join('\n') + '\n'
}
