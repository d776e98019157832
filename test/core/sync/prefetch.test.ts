import {describe, expect, it} from 'vitest'

import {readAhead} from '../../../src/core/sync/prefetch.js'

function pages(n: number, log: string[], failAt?: number) {
  return (async function* () {
    try {
      for (let i = 1; i <= n; i++) {
        log.push(`fetch ${i}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
        if (i === failAt) throw new Error(`page ${i} failed`)
        yield i
      }
    } finally {
      log.push('closed')
    }
  })()
}

describe('readAhead', () => {
  it('yields every page in order and asks for the next one before the caller is done with the current', async () => {
    const log: string[] = []
    const seen: number[] = []
    for await (const page of readAhead(pages(3, log))) {
      log.push(`work ${page} start`)
      await new Promise((resolve) => setTimeout(resolve, 20))
      log.push(`work ${page} end`)
      seen.push(page)
    }
    expect(seen).toEqual([1, 2, 3])
    expect(log.indexOf('fetch 2')).toBeLessThan(log.indexOf('work 1 end'))
    expect(log.indexOf('fetch 3')).toBeLessThan(log.indexOf('work 2 end'))
    expect(log.filter((l) => l === 'closed')).toHaveLength(1)
  })

  it('throws a failed read-ahead to the caller at the next page, not as an unhandled rejection', async () => {
    const log: string[] = []
    const seen: number[] = []
    await expect((async () => {
      for await (const page of readAhead(pages(3, log, 2))) {
        await new Promise((resolve) => setTimeout(resolve, 30))
        seen.push(page)
      }
    })()).rejects.toThrow('page 2 failed')
    expect(seen).toEqual([1])
  })

  it('closes the source when the caller stops early, after the page in flight settles', async () => {
    const log: string[] = []
    for await (const page of readAhead(pages(5, log))) if (page === 2) break
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(log).toContain('closed')
    expect(log.filter((l) => l.startsWith('fetch'))).toEqual(['fetch 1', 'fetch 2', 'fetch 3'])
  })
})
