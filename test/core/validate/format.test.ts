import {describe, expect, it} from 'vitest'

import {formatPlain, formatTable} from '../../../src/core/validate/format.js'
import type {ValidateReport} from '../../../src/core/validate/types.js'

const report: ValidateReport = {
  ok: false, connection: 'default', provider: 'cloud', durationMs: 420,
  checks: [
    {id: 'config', title: 'Configuration', status: 'pass', detail: 'Connection "default".', remedy: null},
    {id: 'repo:acme/api', title: 'Repository acme/api readable', status: 'fail', detail: 'acme/api no longer exists or is not visible to this credential, which is a long sentence that needs wrapping in a narrow terminal.', remedy: 'Deselect it.'},
    {id: 'webhooks', title: 'Webhooks present with a secret', status: 'skip', detail: 'webhooks not configured yet', remedy: null},
    {id: 'rate-limit', title: 'Rate-limit headroom', status: 'warn', detail: 'Budget low.', remedy: 'Wait.'},
  ],
}

describe('validate output', () => {
  it('plain: one greppable line per check, remedies indented, a summary', () => {
    expect(formatPlain(report)).toBe([
      'PASS config: Connection "default".',
      'FAIL repo:acme/api: acme/api no longer exists or is not visible to this credential, which is a long sentence that needs wrapping in a narrow terminal.',
      '     remedy: Deselect it.',
      'SKIP webhooks: webhooks not configured yet',
      'WARN rate-limit: Budget low.',
      '     remedy: Wait.',
      'validate FAILED: 1 passed, 1 warning, 1 failed, 1 skipped (0.4 s)',
      '',
    ].join('\n'))
  })

  it('says when only --strict made warnings fail the run', () => {
    const strictOnly: ValidateReport = {...report, checks: report.checks.filter((c) => c.status !== 'fail')}
    expect(formatPlain(strictOnly)).toContain('validate FAILED (--strict: warnings count as failures): 1 passed, 1 warning, 0 failed, 1 skipped')
  })

  it('table: status symbols, aligned titles, wrapped details within the width', () => {
    const out = formatTable(report, 80)
    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^✓ PASS {2}Configuration\s+Connection "default"\.$/)
    expect(lines[1]).toMatch(/^✗ FAIL {2}Repository acme\/api readable\s+acme\/api no longer/)
    expect(lines.every((l) => [...l].length < 80)).toBe(true)
    expect(lines.some((l) => [...l].length > 70)).toBe(true)
    expect(out).toContain('→ Deselect it.')
    expect(out).toMatch(/validate FAILED/)
  })

  it('table at 60 columns: every line fits, no word is split, the title column gives way with "…"', () => {
    const long: ValidateReport = {...report, checks: [...report.checks, {id: 'network', title: 'Network', status: 'fail', detail: 'https://bitbucket.example.com/rest/api/latest/application-properties-is-a-long-url did not answer', remedy: null}]}
    const out = formatTable(long, 60)
    const lines = out.trimEnd().split('\n')
    for (const l of lines) expect([...l].length, l).toBeLessThan(60)
    // Every word of every detail is on one line, whole (the URL, longer than the column, is cut hard).
    const text = lines.join(' ')
    for (const word of report.checks[1]!.detail.split(' ')) expect(text).toContain(word)
    expect(out).toMatch(/^✗ FAIL {2}Repository acme\/api \S*… {2}acme\/api no/m)
    expect(out).toContain('→ Deselect it.')
    expect(out).toMatch(/validate FAILED/)
  })

  it('table at 40 columns: detail moves under the title at full width', () => {
    const out = formatTable(report, 40)
    const lines = out.trimEnd().split('\n')
    for (const l of lines) expect([...l].length, l).toBeLessThan(40)
    expect(lines[0]).toBe('✓ PASS  Configuration')
    expect(lines[1]).toBe('    Connection "default".')
    expect(out).toContain('    → Deselect it.')
  })
})
