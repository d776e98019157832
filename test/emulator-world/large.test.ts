import {describe, expect, it} from 'vitest'

import {createWorld} from '../../emulator/world/index.js'
import {checkDetail} from './check.js'

describe('large dataset', () => {
  it('lists 100 repositories at once and materialises one on demand', () => {
    const t0 = performance.now()
    const world = createWorld({seed: 1, dataset: 'large'})
    const repos = world.containers().flatMap((c) => world.repos(c.key))
    const listed = performance.now() - t0
    expect(repos).toHaveLength(100)
    const rssBefore = process.memoryUsage().rss
    const t1 = performance.now()
    const d = world.detail(`${repos[1]!.container}/${repos[1]!.slug}`)
    const generated = performance.now() - t1
    expect(d.pullRequests).toHaveLength(1000)
    expect(d.commits).toHaveLength(2000)
    expect(checkDetail(world, d, world.now())).toEqual([])
    const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`
    console.log(`large: listing ${listed.toFixed(0)} ms, one repository ${generated.toFixed(0)} ms, rss ${mb(rssBefore)} → ${mb(process.memoryUsage().rss)}`)
  })
})
