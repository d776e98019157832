import {render} from 'ink-testing-library'
import {afterEach, describe, expect, it} from 'vitest'

import {browseHelp, RepoPicker, type PickerResult} from '../../../src/ui/picker/RepoPicker.js'
import {makeRepos, pagedLoader} from './fixtures.js'

const ARROW_DOWN = '\u001B[B'
const ARROW_UP = '\u001B[A'
const PAGE_DOWN = '\u001B[6~'
const ENTER = '\r'
const ESC = '\u001B'
const BACKSPACE = '\u007F'

// React 19 schedules renders: yield to the event loop so each input is handled and painted.
const tick = () => new Promise<void>((r) => setImmediate(r))
async function settle(n = 5) {
  for (let i = 0; i < n; i++) await tick()
}
/** Until the listing finished (the count stops saying Loading). */
async function loaded(instance: {lastFrame(): string | undefined}) {
  for (let i = 0; i < 300; i++) {
    const f = instance.lastFrame() ?? ''
    if (/\d+ repos/.test(f) && !f.includes('Loading')) return
    await new Promise((r) => setTimeout(r, 10))
  }
}
async function press(stdin: {write(s: string): void}, ...keys: string[]) {
  for (const k of keys) {
    stdin.write(k)
    await settle(3)
  }
}

function mount(opts: {n?: number; initial?: string[]; height?: number; gate?: Promise<void>} = {}) {
  const repos = makeRepos(opts.n ?? 30)
  let result: PickerResult | undefined
  let error: unknown
  const instance = render(
    <RepoPicker
      title="Select repositories"
      load={pagedLoader(repos, 10, opts.gate)}
      initial={opts.initial ?? []}
      height={opts.height ?? 12}
      onDone={(r) => (result = r)}
      onError={(e) => (error = e)}
    />,
  )
  return {instance, repos, result: () => result, error: () => error}
}

let mounted: ReturnType<typeof render> | undefined
afterEach(() => mounted?.unmount())

describe('RepoPicker', () => {
  it('key help: on an 80-column terminal it fits whole, so "esc cancel" is not truncated away', () => {
    for (const columns of [80, 95]) {
      const help = browseHelp(columns)
      expect(help.length).toBeLessThanOrEqual(columns - 1)
      expect(help).toMatch(/enter confirm · esc cancel$/)
    }
    expect(browseHelp(120)).toContain('PgUp/PgDn page')
  })

  it('streams pages with a live count, then shows the total', async () => {
    let open!: () => void
    const gate = new Promise<void>((r) => (open = r))
    const m = mount({n: 30, gate})
    mounted = m.instance
    // Pages are batched into frames (every 100 ms): wait for the first one.
    for (let i = 0; i < 100 && !(m.instance.lastFrame() ?? '').includes('Loading… 10 repos'); i++) await new Promise((r) => setTimeout(r, 10))
    expect(m.instance.lastFrame()).toContain('Loading… 10 repos')
    open()
    await loaded(m.instance)
    const frame = m.instance.lastFrame() ?? ''
    expect(frame).not.toContain('Loading')
    expect(frame).toContain('30 repos')
    // Grouped: a workspace/project header precedes the items.
    expect(frame).toMatch(/ws0 \/ P\d \(\d+\)/)
    expect(frame).toContain('a all · n none · / filter')
  })

  it('shows already-selected repos checked and keeps them on confirm', async () => {
    const m = mount({initial: ['ws0/api-0000', 'gone/old-repo']})
    mounted = m.instance
    await loaded(m.instance)
    expect(m.instance.lastFrame()).toContain('[x] ws0/api-0000')
    expect(m.instance.lastFrame()).toContain('+1 not in this list, kept')
    await press(m.instance.stdin, ENTER)
    expect(m.result()).toEqual({confirmed: true, selection: ['gone/old-repo', 'ws0/api-0000']})
  })

  it('filters fuzzily after /, toggles with space, and confirms', async () => {
    const m = mount()
    mounted = m.instance
    await loaded(m.instance)
    await press(m.instance.stdin, '/', 'b', 'i', 'l', 'l')
    let frame = m.instance.lastFrame() ?? ''
    expect(frame).toContain('Filter: bill█')
    const visible = m.repos.filter((r) => r.key.includes('billing'))
    expect(frame).toContain(`${visible.length} match`)
    expect(frame).not.toContain('api-0000')
    // Enter leaves filter mode (keeps the filter); space toggles the row under the cursor.
    await press(m.instance.stdin, ENTER, ' ')
    frame = m.instance.lastFrame() ?? ''
    expect(frame).toMatch(/❯ \[x\] ws\d\/billing-\d{4}/)
    await press(m.instance.stdin, ENTER)
    const r = m.result()
    expect(r?.confirmed).toBe(true)
    expect(r && r.confirmed && r.selection).toHaveLength(1)
    expect(r && r.confirmed && r.selection[0]).toMatch(/billing/)
  })

  it('a selects all visible (filtered), n clears the visible ones, letters type while filtering', async () => {
    const m = mount({initial: ['ws1/web-0001']})
    mounted = m.instance
    await loaded(m.instance)
    // 'a' and 'n' typed in filter mode are text, not commands.
    await press(m.instance.stdin, '/', 'a', 'n')
    expect(m.instance.lastFrame()).toContain('Filter: an█')
    expect(m.instance.lastFrame()).toContain('1 selected')
    await press(m.instance.stdin, BACKSPACE, BACKSPACE, 'd', 'a', 't', 'a', ENTER, 'a')
    const data = m.repos.filter((r) => r.key.includes('data')).map((r) => r.key)
    expect(m.instance.lastFrame()).toContain(`${data.length + 1} selected`)
    await press(m.instance.stdin, 'n')
    expect(m.instance.lastFrame()).toContain('1 selected')
    await press(m.instance.stdin, 'a', ENTER)
    const r = m.result()
    expect(r).toEqual({confirmed: true, selection: [...data, 'ws1/web-0001'].sort()})
  })

  it('n with no filter clears everything; esc in filter mode clears the filter', async () => {
    const m = mount({initial: ['ws0/api-0000', 'ws1/web-0001']})
    mounted = m.instance
    await loaded(m.instance)
    await press(m.instance.stdin, '/', 'z', 'z', 'z')
    expect(m.instance.lastFrame()).toContain('No repositories match the filter')
    await press(m.instance.stdin, ESC)
    expect(m.instance.lastFrame()).toContain('Filter: (press / to type)')
    expect(m.result()).toBeUndefined()
    await press(m.instance.stdin, 'n', ENTER)
    expect(m.result()).toEqual({confirmed: true, selection: []})
  })

  it('handles a chunk of keys at once (paste, tmux send-keys): "/web" filters, then " " toggles', async () => {
    const m = mount()
    mounted = m.instance
    await loaded(m.instance)
    await press(m.instance.stdin, '/web')
    expect(m.instance.lastFrame()).toContain('Filter: web█')
    await press(m.instance.stdin, ENTER, 'ja')
    const web = m.repos.filter((r) => r.key.includes('web')).length
    expect(m.instance.lastFrame()).toContain(`${web} selected`)
  })

  it('esc cancels without a selection', async () => {
    const m = mount({initial: ['ws0/api-0000']})
    mounted = m.instance
    await loaded(m.instance)
    await press(m.instance.stdin, ' ', ESC)
    expect(m.result()).toEqual({confirmed: false})
  })

  it('moves with arrows and pages, scrolling a window', async () => {
    const m = mount({height: 8})
    mounted = m.instance
    await loaded(m.instance)
    const first = (m.instance.lastFrame() ?? '').split('\n').find((l) => l.includes('❯'))
    await press(m.instance.stdin, ARROW_DOWN, ARROW_DOWN, ARROW_UP)
    const second = (m.instance.lastFrame() ?? '').split('\n').find((l) => l.includes('❯'))
    expect(second).not.toEqual(first)
    await press(m.instance.stdin, PAGE_DOWN, PAGE_DOWN, PAGE_DOWN)
    const frame = m.instance.lastFrame() ?? ''
    expect(frame).toContain('❯')
    // Virtualised: only the window is rendered, never all 30 rows plus headers.
    const rows = frame.split('\n').filter((l) => /\[[ x]\]/.test(l))
    expect(rows.length).toBeLessThanOrEqual(8)
    expect(frame).not.toContain(first?.replace('❯', '').trim().slice(4) ?? 'never')
  })

  it('reports a listing error', async () => {
    let error: unknown
    const instance = render(
      <RepoPicker
        title="t"
        load={async () => {
          throw new Error('403 forbidden: read:repository:bitbucket')
        }}
        initial={[]}
        height={5}
        onDone={() => undefined}
        onError={(e) => (error = e)}
      />,
    )
    mounted = instance
    await settle(5)
    expect(String(error)).toContain('403')
    expect(instance.lastFrame()).toContain('error: 403 forbidden')
  })
})
