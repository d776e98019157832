import {describe, expect, it} from 'vitest'

import type {ContextParts} from '../../../src/context.js'
import {systemClock} from '../../../src/core/clock.js'
import {readEnv} from '../../../src/core/env.js'
import {runLongOperation, type Renderer} from '../../../src/runner.js'

function fakeContext(interactive: boolean) {
  let handler: ((s: 'SIGINT' | 'SIGTERM') => void) | null = null
  const exits: number[] = []
  const ctx: ContextParts = {
    env: readEnv({}),
    processEnv: {},
    cwd: '/',
    clock: systemClock,
    io: {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      color: false,
      interactive,
      setExitCode: () => undefined,
    },
    signals: {
      onInterrupt(h) {
        handler = h
        return () => {
          handler = null
        }
      },
      exitNow(code) {
        exits.push(code)
        throw new Error(`exit ${code}`)
      },
    },
  }
  return {ctx, exits, signal: (s: 'SIGINT' | 'SIGTERM') => handler?.(s), listening: () => handler !== null}
}

function recorder(name: string, log: string[]): Renderer<string> {
  return {sink: (e) => log.push(`${name}:${e}`), finish: async () => void log.push(`${name}:finish`)}
}

const renderers = (log: string[]) => ({
  ndjson: () => recorder('ndjson', log),
  live: () => recorder('live', log),
  plain: () => recorder('plain', log),
})

describe('runLongOperation', () => {
  it.each([
    [true, false, 'ndjson'],
    [false, true, 'live'],
    [false, false, 'plain'],
  ] as const)('json=%s interactive=%s renders with %s, summary included, then finishes', async (json, interactive, expected) => {
    const log: string[] = []
    const f = fakeContext(interactive)
    const {value} = await runLongOperation({
      ctx: f.ctx, json, renderers: renderers(log),
      run: async ({emit}) => {
        emit('progress')
        emit('summary')
        return 42
      },
    })
    expect(value).toBe(42)
    expect(log).toEqual([`${expected}:progress`, `${expected}:summary`, `${expected}:finish`])
    expect(f.listening()).toBe(false)
  })

  it('a live view that cannot start falls back to plain lines', async () => {
    const log: string[] = []
    const f = fakeContext(true)
    await runLongOperation({
      ctx: f.ctx, json: false,
      renderers: {...renderers(log), live: () => { throw new Error('no terminal') }},
      run: async ({emit}) => emit('summary'),
    })
    expect(log).toEqual(['plain:summary', 'plain:finish'])
  })

  it('the first signal aborts the work (which then ends on its own), a second exits 4 at once', async () => {
    const log: string[] = []
    const f = fakeContext(false)
    const result = await runLongOperation({
      ctx: f.ctx, json: false, renderers: renderers(log),
      run: ({signal, emit}) => new Promise<string>((resolve) => {
        signal.addEventListener('abort', () => {
          emit('summary')
          resolve('drained')
        })
        f.signal('SIGINT')
      }),
    })
    expect(result).toEqual({value: 'drained', interrupts: 1})
    expect(log).toEqual(['plain:summary', 'plain:finish'])

    const g = fakeContext(false)
    await expect(runLongOperation({
      ctx: g.ctx, json: false, renderers: renderers([]),
      run: async () => {
        g.signal('SIGTERM')
        g.signal('SIGINT')
      },
    })).rejects.toThrow('exit 4')
    expect(g.exits).toEqual([4])
  })
})
