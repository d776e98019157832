import type {Clock} from '../../../src/core/clock.js'

export const START = Date.UTC(2026, 10, 22, 12, 0, 0)

/**
 * Virtual time: sleep() advances `now` by the requested amount at once, so retry and pacing logic
 * runs in microseconds while every wait is recorded for assertions.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  /** Runs at the start of every sleep (e.g. to abort mid-wait). */
  onSleep: ((ms: number) => void) | null = null

  constructor(public time: number = START) {}

  now(): number {
    return this.time
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.onSleep?.(ms)
    if (signal?.aborted) throw signal.reason ?? new Error('aborted')
    this.sleeps.push(ms)
    this.time += Math.max(0, ms)
    await Promise.resolve()
  }

  get slept(): number {
    return this.sleeps.reduce((a, b) => a + b, 0)
  }

  advance(ms: number): void {
    this.time += ms
  }
}
