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

function wrap(text: string, width: number): string[] {
  if (width < 20) return [text]
  const out: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(line)
  return out
}

/** For a terminal: status symbol, title, wrapped detail, remedy under it. */
export function formatTable(report: ValidateReport, columns = 100): string {
  const titleWidth = Math.min(38, Math.max(...report.checks.map((c: CheckResult) => c.title.length)))
  // "✓ PASS  " + title + two spaces, and one column spare so the terminal never wraps on its own.
  const detailWidth = Math.max(30, columns - titleWidth - 11)
  const lines: string[] = []
  for (const c of report.checks) {
    const title = c.title.length > titleWidth ? c.title.slice(0, titleWidth - 1) + '…' : c.title.padEnd(titleWidth)
    const detail = wrap(c.detail, detailWidth)
    lines.push(`${SYMBOL[c.status]} ${LABEL[c.status]}  ${title}  ${detail[0] ?? ''}`.trimEnd())
    const indent = ' '.repeat(titleWidth + 10)
    for (const more of detail.slice(1)) lines.push(indent + more)
    if (c.remedy && c.status !== 'pass') for (const r of wrap(`→ ${c.remedy}`, detailWidth)) lines.push(indent + r)
  }
  lines.push('', summarize(report))
  return lines.join('\n') + '\n'
}
