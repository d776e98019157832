import {describe, expect, it} from 'vitest'

import {renderTable} from '../../../src/ui/table.js'

const rows = [
  {key: 'acme/api-gateway-with-a-very-long-name', project: 'CORE', branch: 'main'},
  {key: 'acme/web', project: 'WEB', branch: 'feature/a-long-default-branch'},
]
const columns = [
  {header: 'KEY', value: (r: (typeof rows)[number]) => r.key, flex: true},
  {header: 'PROJECT', value: (r: (typeof rows)[number]) => r.project},
  {header: 'DEFAULT BRANCH', value: (r: (typeof rows)[number]) => r.branch, flex: true},
]

describe('renderTable', () => {
  it('pads columns to the widest cell', () => {
    const out = renderTable(rows, columns).split('\n')
    const w = rows[0]!.key.length
    expect(out[0]).toBe(`${'KEY'.padEnd(w)}  PROJECT  DEFAULT BRANCH`)
    expect(out[2]).toBe(`${'acme/web'.padEnd(w)}  WEB      feature/a-long-default-branch`)
  })

  it('shortens flexible columns with … to fit a terminal', () => {
    const out = renderTable(rows, columns, {maxWidth: 60}).trimEnd().split('\n')
    expect(out.every((l) => [...l].length <= 60)).toBe(true)
    expect(out[1]).toContain('…')
    expect(out[1]).toContain('CORE')
  })
})
