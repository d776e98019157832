/**
 * The worker's live view: events fold into running jobs (repository, phase, elapsed), done/failed counts,
 * the queue's depth and each principal's budget gauge; every line fits 60 and 120 columns; with colour off
 * no escape sequence is written; q asks for the graceful stop.
 */
import {EventEmitter} from 'node:events'

import {render as inkRender} from 'ink'
import {render} from 'ink-testing-library'
import React from 'react'
import {describe, expect, it, vi} from 'vitest'

import type {WorkerEvent} from '../../src/core/workers/worker.js'
import {ColorProvider} from '../../src/ui/styled.js'
import {WorkerDashboardView, budgetText} from '../../src/ui/worker-dashboard-view.js'
import {applyWorkerEvent, initialWorkerState, runningRows} from '../../src/ui/worker-state.js'

const T0 = Date.parse('2026-12-06T23:00:00.000Z')

const job = (id: string, repo: string, connection = 'default') => ({id, connection, repo, attempt: 1, workerId: 'w1'})

const events: WorkerEvent[] = [
  {type: 'worker', phase: 'started', pid: 4121, host: 'db1', workers: ['w1'], concurrency: 4, store: 'postgres://bb@db/metrics'},
  {type: 'status', queue: {waiting: 12, scheduled: 3, running: 2, failed: 1}, budgets: [
    {principal: 'cloud-user:ci@example.com', used: 9, cap: 16, windowMs: 60_000, pausedForMs: 0},
    {principal: 'cloud-user:release-bot-with-a-rather-long-name@example.com', used: 16, cap: 16, windowMs: 60_000, pausedForMs: 42_000},
  ]},
  {type: 'job', phase: 'start', ...job('1', 'acme-platform/billing-service-with-a-very-long-repository-name'), maxAttempts: 10, revision: 0},
  {type: 'job', phase: 'start', ...job('2', 'acme/api', 'other'), maxAttempts: 10, revision: 2},
  {type: 'job', phase: 'step', id: '1', connection: 'default', repo: 'acme-platform/billing-service-with-a-very-long-repository-name', step: 'commitFiles'},
  {type: 'job', phase: 'start', ...job('3', 'acme/web'), maxAttempts: 10, revision: 0},
  {type: 'job', phase: 'done', ...job('3', 'acme/web'), revision: 0, requests: 40, durationMs: 1200, counts: {pullRequest: 3}},
  {type: 'job', phase: 'start', ...job('4', 'acme/legacy'), maxAttempts: 10, revision: 0},
  {type: 'job', phase: 'failed', ...job('4', 'acme/legacy'), maxAttempts: 10, error: 'Repository acme/legacy does not exist', final: false},
  {type: 'job', phase: 'start', ...job('5', 'acme/docs'), maxAttempts: 10, revision: 0},
  {type: 'job', phase: 'yielded', ...job('5', 'acme/docs'), resumeAt: new Date(T0 + 30_000).toISOString()},
]

function feed(list: WorkerEvent[] = events, at = T0) {
  const state = initialWorkerState(T0 - 62_000)
  for (const e of list) applyWorkerEvent(state, e, at)
  return state
}

/** A terminal of a given width for Ink (ink-testing-library's is always 100 columns). */
class Terminal extends EventEmitter {
  frames: string[] = []
  constructor(readonly columns: number, readonly rows = 30) {
    super()
  }
  write = (frame: string) => {
    this.frames.push(frame)
  }
  lastFrame = () => this.frames.at(-1) ?? ''
}
class Keys extends EventEmitter {
  isTTY = true
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null
  }
}

function draw(columns: number, color: boolean, state = feed()) {
  const stdout = new Terminal(columns)
  const instance = inkRender(
    <ColorProvider color={color}>
      <WorkerDashboardView state={state} rows={30} onQuit={() => undefined} now={() => T0} tickMs={10_000} />
    </ColorProvider>,
    {stdout: stdout as unknown as NodeJS.WriteStream, stdin: new Keys() as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false},
  )
  const frame = stdout.lastFrame()
  instance.unmount()
  return frame
}

describe('worker dashboard state', () => {
  it('keeps running jobs with their phase and start, and counts done, failed and yielded ones', () => {
    const s = feed()
    expect(runningRows(s, 10).map((r) => [r.name, r.phase])).toEqual([
      ['default:acme-platform/billing-service-with-a-very-long-repository-name', 'commitFiles'],
      ['other:acme/api', 'starting'],
    ])
    expect([s.done, s.failed, s.yielded, s.requests]).toEqual([1, 1, 1, 40])
    expect(s.errors).toEqual(['default:acme/legacy: Repository acme/legacy does not exist'])
    expect(s.queue).toEqual({waiting: 12, scheduled: 3, running: 2, failed: 1})
    expect(s.budgets[1]!.pausedUntil).toBe(T0 + 42_000)
    expect(budgetText(s.budgets[0]!, T0)).toEqual({figures: '9/16 in this 60 s window', paused: ''})
    expect(budgetText(s.budgets[1]!, T0, 60)).toEqual({figures: '16/16 per 60 s', paused: 'paused 42s  '})
    applyWorkerEvent(s, {type: 'worker', phase: 'draining', pid: 4121}, T0)
    expect(s.stopping).toBe(true)
  })
})

describe('WorkerDashboardView', () => {
  it('shows the queue, the budgets with their pause, the running jobs with phase and elapsed time, and reacts to q', async () => {
    const onQuit = vi.fn()
    const s = feed()
    const view = render(<WorkerDashboardView state={s} rows={30} onQuit={onQuit} now={() => T0 + 5000} tickMs={10_000} />)
    const frame = view.lastFrame() ?? ''
    expect(frame).toContain('bb-integrate worker')
    expect(frame).toContain('db1:4121 · 4 slot(s) · postgres://bb@db/metrics')
    expect(frame).toContain('Queue 12 waiting · 3 later · 2 running · 1 failed')
    expect(frame).toContain('Jobs here 1 done · 1 failed · 1 yielded · 40 requests')
    expect(frame).toMatch(/cloud-user:ci@example\.com +[█░]{16} 9\/16 in this 60 s window/)
    expect(frame).toMatch(/paused 42s {2}16\/16 in this 60 s window/)
    expect(frame).toContain('Running 2 of 4')
    expect(frame).toMatch(/other:acme\/api +starting +0s/)
    expect(frame).toContain('Failures (1)')
    expect(frame).toContain('q stop (running jobs go back to the queue)')
    await new Promise((r) => setImmediate(r))
    view.stdin.write('q')
    await new Promise((r) => setImmediate(r))
    expect(onQuit).toHaveBeenCalledTimes(1)
    expect(s.stopping).toBe(true)
    view.unmount()
  })

  for (const columns of [60, 120]) {
    it(`${columns} columns: every line fits, a name too long ends in "…", the phase, elapsed time and pause stay`, () => {
      const frame = draw(columns, false)
      const lines = frame.split('\n')
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns)
      const jobLine = lines.find((l) => l.startsWith('default:acme-platform/'))
      expect(jobLine).toMatch(/… +commitFiles +\d+s$/)
      expect(lines.find((l) => l.startsWith('other:acme/api '))).toMatch(/^other:acme\/api +starting +\d+s$/)
      expect(frame).toMatch(/paused 42s {2}16\/16 (per|in this) 60 s/)
      if (columns < 80) expect(frame).not.toMatch(/[█░]/)
      else expect(lines.filter((l) => /[█░]{16}/.test(l))).toHaveLength(2)
    })
  }

  it('with colour off (NO_COLOR, --no-color) no escape sequence is written', () => {
    // eslint-disable-next-line no-control-regex
    expect(draw(120, false)).not.toMatch(/\u001b\[/)
  })
})
