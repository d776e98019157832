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
  async function drive(n: number) {
    const stdout = new FakeOut()
    const stdin = new FakeIn()
    const frames: number[] = []
    const done = renderRepoPicker({
      title: 'Select',
      initial: ['ws0/api-0000'],
      load: pagedLoader(makeRepos(n, {workspaces: 5, projects: 6}), 100),
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      onRender: ({renderTime}) => frames.push(renderTime),
    })
    const total = `${n.toLocaleString('en-US')} repos`
    for (let i = 0; i < 500 && !(stdout.last.includes(total) && !stdout.last.includes('Loading')); i++) await sleep(10)
    for (const key of ['\u001B[B', '\u001B[B', '\u001B[6~', '/', 'w', 'e', 'b', '\r', ' ', '\r']) {
      stdin.send(key)
      await sleep(20)
    }
    const result = await done
    const sorted = [...frames].sort((a, b) => a - b)
    const q = (x: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? NaN).toFixed(1)
    return {result, stats: {repos: n, frames: frames.length, medianMs: q(0.5), p90Ms: q(0.9), maxMs: q(1)}}
  }

  it('resolves with the selection on enter; Ink frame time does not grow with the list (virtualised)', async () => {
    const small = await drive(200)
    const large = await drive(5000)
    for (const {result} of [small, large]) {
      expect(result.confirmed).toBe(true)
      expect(result.confirmed && result.selection).toContain('ws0/api-0000')
      expect(result.confirmed && result.selection.length).toBe(2)
    }
    // Reported, not asserted: timings depend on the machine.
    process.stderr.write(`picker-ink-frames ${JSON.stringify([small.stats, large.stats])}\n`)
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
