import {describe, expect, it} from 'vitest'

import {BbqlError, matches, parseBbql, sortBy} from '../../emulator/cloud/bbql.js'
import {applyFields, parseFields, wants} from '../../emulator/cloud/fields.js'

const pr = {id: 7, state: 'MERGED', title: 'Fix the Cache', updated_on: '2026-03-01T10:00:00.000000+00:00', author: {uuid: '{a}'}, links: {self: {href: 'x'}, html: {href: 'y'}}}

describe('BBQL subset', () => {
  it('compares dates, strings and numbers with AND/OR and parentheses', () => {
    const q = (s: string) => matches(parseBbql(s), pr)
    expect(q('updated_on > "2026-02-28T00:00:00Z"')).toBe(true)
    expect(q('updated_on > 2026-03-01T10:00:00+00:00')).toBe(false)
    expect(q('updated_on >= 2026-03-01T10:00:00.000000+00:00')).toBe(true)
    expect(q('state = "MERGED" AND (id > 10 OR author.uuid = "{a}")')).toBe(true)
    expect(q('state = "OPEN" OR title ~ "cache"')).toBe(true)
    expect(q('title !~ "cache"')).toBe(false)
    expect(q('state != "MERGED"')).toBe(false)
  })

  it('rejects malformed queries', () => {
    for (const bad of ['updated_on >', 'state == "x"', '(state = "x"', 'state = "x" AND', '1state = 2']) {
      expect(() => parseBbql(bad), bad).toThrow(BbqlError)
    }
  })

  it('sorts by a dotted field, descending with a minus', () => {
    const items = [{n: 2, d: '2026-01-02T00:00:00Z'}, {n: 1, d: '2026-01-03T00:00:00Z'}, {n: 3, d: '2026-01-01T00:00:00Z'}]
    expect(sortBy(items, 'n', (i) => i).map((i) => i.n)).toEqual([1, 2, 3])
    expect(sortBy(items, '-updated_on', (i) => ({updated_on: i.d})).map((i) => i.n)).toEqual([1, 2, 3])
  })
})

describe('partial responses', () => {
  it('adds, removes and selects fields', () => {
    const spec = parseFields('+values.participants,-values.links.html')
    expect(wants(spec, 'values.participants')).toBe(true)
    expect(wants(spec, 'values.reviewers')).toBe(false)
    const page = {pagelen: 1, next: 'n', values: [structuredClone(pr)]}
    expect((applyFields(page, spec) as typeof page).values[0]?.links).toEqual({self: {href: 'x'}})
    const selected = applyFields({pagelen: 1, next: 'n', values: [structuredClone(pr)]}, parseFields('values.id,values.author.*'))
    expect(selected).toEqual({pagelen: 1, next: 'n', values: [{id: 7, author: {uuid: '{a}'}}]})
  })
})
