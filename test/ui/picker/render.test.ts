import {EventEmitter} from 'node:events'
import {describe, expect, it} from 'vitest'

import {renderRepoPicker} from '../../../src/ui/picker/render.js'
import {makeRepos, pagedLoader} from './fixtures.js'

/** Minimal TTY twins: Ink writes frames to stdout and reads keys from stdin's 'readable'. */
class FakeOut extends EventEmitter {
  isTTY = true
  columns = 100
  rows = 30
  last = ''
  write = (s: string) => {
    this.last = s
    return true
  }
}
class FakeIn extends EventEmitter {
  isTTY = true
  private data: string | null = null
  send(s: string) {
    this.data = s
    this.emit('readable')
    this.emit('data', s)
  }
  read = () => {
    const d = this.data
    this.data = null
    return d
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('renderRepoPicker (the helper commands call)', () => {
  it('resolves with the selection on enter, and reports Ink frame render times for 5,000 repos', async () => {
    const stdout = new FakeOut()
    const stdin = new FakeIn()
    const frames: number[] = []
    const repos = makeRepos(Number(process.env.PICKER_N ?? 5000), {workspaces: 5, projects: 6})
    const done = renderRepoPicker({
      title: 'Select',
      initial: ['ws0/api-0000'],
      load: pagedLoader(repos, 100),
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      onRender: ({renderTime}) => frames.push(renderTime),
    })
    for (let i = 0; i < 300 && !/5,000 repos/.test(stdout.last); i++) await sleep(10)
    const loadFrames = frames.length
    for (const key of ['\u001B[B', '\u001B[B', '\u001B[6~', '/', 'w', 'e', 'b', '\r', ' ', '\r']) {
      stdin.send(key)
      await sleep(20)
    }
    const result = await done
    expect(result.confirmed).toBe(true)
    expect(result.confirmed && result.selection).toContain('ws0/api-0000')
    expect(result.confirmed && result.selection.length).toBe(2)
    const sorted = [...frames].sort((a, b) => a - b)
    const pick = (q: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(2)
    process.stderr.write(`picker-ink-frames ${JSON.stringify({frames: frames.length, duringLoad: loadFrames, medianMs: pick(0.5), p90Ms: pick(0.9), maxMs: pick(1)})}\n`)
    expect(frames.length).toBeGreaterThan(0)
  })

  it('resolves {confirmed:false} on esc', async () => {
    const stdout = new FakeOut()
    const stdin = new FakeIn()
    const done = renderRepoPicker({
      title: 'Select', initial: [], load: pagedLoader(makeRepos(20), 10),
      stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
    })
    for (let i = 0; i < 100 && !/20 repos/.test(stdout.last); i++) await sleep(10)
    stdin.send('\u001B')
    expect(await done).toEqual({confirmed: false})
  })
})
