import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {ConfigStore} from '../../../src/core/config/store.js'
import {createWorld} from '../../../emulator/world/index.js'
import {baseEnv, BIN, ensureBuilt, ROOT} from '../../helpers/cli.js'
import {Tmux} from '../../helpers/tmux.js'
import {setupFixture, type Fixture} from '../../core/validate/fixture.js'

/**
 * The picker as a person sees it: the built CLI in a real terminal (tmux), against an emulator
 * serving 5,000 repositories in 5 workspaces (50 pages of 100).
 */
let fx: Fixture | undefined
let term: Tmux | undefined
afterEach(async () => {
  await term?.kill()
  await fx?.close()
  term = undefined
  fx = undefined
})
beforeAll(() => ensureBuilt(), 180_000)

async function start(initial: string[] = []) {
  const world = createWorld({seed: 5, dataset: {containers: 5, reposPerContainer: 1000, prsPerRepo: 0, commitsPerRepo: 0}})
  fx = await setupFixture({fileStore: true, world, select: 0})
  if (initial.length) new ConfigStore({configDir: fx.dir}).setSelection('default', initial)
  const env = baseEnv({BB_INTEGRATE_CONFIG_DIR: fx.dir})
  const t0 = Date.now()
  term = await Tmux.start(`${process.execPath} ${BIN} repos select`, {env, cwd: ROOT, width: 110, height: 30})
  await term.waitForText(/Select repositories to sync/, 20_000)
  const firstFrameMs = Date.now() - t0
  await term.waitForText(/^5,000 repos · /m, 30_000)
  const loadedMs = Date.now() - t0
  return {term, fx, firstFrameMs, loadedMs}
}

const saved = (f: Fixture) => new ConfigStore({configDir: f.dir}).getSelection('default')

async function timed(t: Tmux, act: () => Promise<void>, until: RegExp): Promise<number> {
  const t0 = Date.now()
  await act()
  await t.waitForText(until, 10_000)
  return Date.now() - t0
}

describe('repos select picker in a real terminal (tmux)', () => {
  it('streams 5,000 repos, filters, selects all visible, confirms and saves', async () => {
    const s = await start()
    const screen = await s.term.capture()
    // Virtualised: the screen holds a window, with group headers and the key-help footer.
    expect(screen).toMatch(/ws-?\w*.* \/ .*\(\d+\)|\(\d[\d,]*\)/)
    expect(screen).toContain('a all · n none · / filter · enter confirm · esc cancel')
    const moveMs = await timed(s.term, () => s.term.sendKeys('Down', 'Down', 'PageDown'), /❯ \[ \]/)
    const target = s.fx.emu.world.repos(s.fx.emu.world.containers()[2]?.key as string)[42]?.slug as string
    process.stderr.write(`picker-tmux-5000 loaded: first frame ${s.firstFrameMs} ms, all ${s.loadedMs} ms\n`)
    const filterMs = await timed(s.term, async () => {
      await s.term.sendKeys('/')
      await s.term.type(target)
    }, new RegExp(`Filter: ${target}█`))
    const matches = Number(/(\d[\d,]*) match/.exec(await s.term.capture())?.[1]?.replace(/,/g, ''))
    expect(matches).toBeGreaterThan(0)
    const selectMs = await timed(s.term, () => s.term.sendKeys('Enter', 'a'), new RegExp(`· ${matches.toLocaleString('en-US')} selected`))
    await s.term.sendKeys('Enter')
    expect(await s.term.waitForExit(10_000)).toBe(0)
    expect(saved(s.fx)).toHaveLength(matches)
    expect(saved(s.fx).some((k) => k.endsWith(`/${target}`))).toBe(true)
    process.stderr.write(`picker-tmux-5000 ${JSON.stringify({firstFrameMs: s.firstFrameMs, loadedMs: s.loadedMs, moveMs, filterMs, selectMs})} (tmux polling adds up to 100 ms)\n`)
  })

  it('shows the saved selection checked; esc cancels with exit 4 and changes nothing', async () => {
    const world = createWorld({seed: 5, dataset: {containers: 5, reposPerContainer: 1000, prsPerRepo: 0, commitsPerRepo: 0}})
    const first = world.containers()[0]?.key as string
    const keys = world.repos(first).slice(0, 2).map((r) => `${r.container}/${r.slug}`).sort()
    const s = await start(keys)
    expect(await s.term.capture()).toContain('2 selected')
    await s.term.sendKeys('/')
    await s.term.type(keys[0] as string)
    await s.term.waitForText(`❯ [x] ${keys[0]}`)
    // Toggle it off in the picker, then cancel: the saved selection must not change.
    await s.term.sendKeys('Enter', 'Space')
    await s.term.waitForText(/· 1 selected/)
    await s.term.sendKeys('Escape')
    expect(await s.term.waitForExit(10_000)).toBe(4)
    expect(saved(s.fx)).toEqual(keys)
  })
})
