import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import {toItem, ViewCache} from '../../../src/ui/picker/model.js'
import {RepoPicker, type PickerResult} from '../../../src/ui/picker/RepoPicker.js'
import {makeRepos, pagedLoader} from './fixtures.js'

const tick = () => new Promise<void>((r) => setImmediate(r))

/** Write one key and measure until the frame changes (the cost a person feels per keystroke). */
async function timedPress(instance: ReturnType<typeof render>, key: string): Promise<number> {
  const before = instance.frames.length
  const t0 = performance.now()
  instance.stdin.write(key)
  for (let i = 0; i < 200 && instance.frames.length === before; i++) await tick()
  return performance.now() - t0
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

describe('picker with 5,000 repos', () => {
  it('renders only the window and stays responsive (timings reported, not asserted)', async () => {
    const repos = makeRepos(5000, {workspaces: 5, projects: 6})
    let result: PickerResult | undefined
    const t0 = performance.now()
    const instance = render(
      <RepoPicker title="t" load={pagedLoader(repos, 100)} initial={[]} height={20} onDone={(r) => (result = r)} onError={() => undefined} />,
    )
    while (!(instance.lastFrame() ?? '').includes('5,000 repos') || (instance.lastFrame() ?? '').includes('Loading')) await tick()
    const loadMs = performance.now() - t0

    const moves: number[] = []
    for (let i = 0; i < 20; i++) moves.push(await timedPress(instance, '\u001B[B'))
    const pages: number[] = []
    for (let i = 0; i < 10; i++) pages.push(await timedPress(instance, '\u001B[6~'))
    const typing: number[] = [await timedPress(instance, '/')]
    for (const ch of 'billing-01') typing.push(await timedPress(instance, ch))
    const frame = instance.lastFrame() ?? ''
    const itemRows = frame.split('\n').filter((l) => /\[[ x]\]/.test(l))
    expect(itemRows.length).toBeGreaterThan(0)
    expect(itemRows.length).toBeLessThanOrEqual(20)
    expect(frame).toContain('Filter: billing-01█')
    typing.push(await timedPress(instance, '\r'))
    const selectAll = await timedPress(instance, 'a')
    // Fuzzy: more than the substring hits match; whatever is visible is what 'a' selects.
    const matches = Number(/(\d+) match/.exec(instance.lastFrame() ?? '')?.[1])
    expect(matches).toBeGreaterThanOrEqual(repos.filter((r) => r.key.includes('billing-01')).length)
    expect(instance.lastFrame()).toContain(`${matches} selected`)
    instance.stdin.write('\r')
    for (let i = 0; i < 20 && !result; i++) await tick()
    expect(result?.confirmed && result.selection.length).toBe(matches)
    instance.unmount()

    // The model alone: the cost of a cold filter over 5,000 prepared keys.
    const cache = new ViewCache(repos.map(toItem))
    const c0 = performance.now()
    cache.view('')
    const groupMs = performance.now() - c0
    const f0 = performance.now()
    cache.view('api')
    const filterMs = performance.now() - f0

    const report = {
      load5000Ms: Math.round(loadMs),
      moveMedianMs: +median(moves).toFixed(1),
      moveMaxMs: +Math.max(...moves).toFixed(1),
      pageMedianMs: +median(pages).toFixed(1),
      typeMedianMs: +median(typing).toFixed(1),
      typeMaxMs: +Math.max(...typing).toFixed(1),
      selectAllMs: +selectAll.toFixed(1),
      groupAllMs: +groupMs.toFixed(1),
      coldFilterMs: +filterMs.toFixed(1),
    }
    process.stderr.write(`picker-5000 ${JSON.stringify(report)}\n`)
  })
})
