import {Box} from 'ink'
import {render} from 'ink-testing-library'
import React from 'react'
import {describe, expect, it, vi} from 'vitest'

import type {SyncEvent} from '../../src/core/sync/events.js'
import {DashboardView, fitItems, rowLayout} from '../../src/ui/sync-dashboard-view.js'
import {ndjsonSink} from '../../src/ui/sync-ndjson.js'
import {plainSink} from '../../src/ui/sync-plain.js'
import {summaryLine} from '../../src/ui/sync-summary.js'
import {applyEvent, etaSeconds, initialState, visibleRows} from '../../src/ui/sync-state.js'

const T0 = Date.parse('2026-11-22T10:00:00.000Z')

function feed(events: SyncEvent[], at = T0) {
  const state = initialState(T0)
  for (const e of events) applyEvent(state, e, at)
  return state
}

const start: SyncEvent = {type: 'start', at: new Date(T0).toISOString(), connection: 'default', provider: 'cloud', store: 'sqlite:/tmp/x.db', repos: 3, full: true, shard: null}

describe('sync dashboard state', () => {
  it('folds progress into per-repo rows and totals', () => {
    const s = feed([
      start,
      {type: 'repo', repo: 'acme/api', phase: 'pullRequests'},
      {type: 'progress', repo: 'acme/api', entity: 'pullRequest', count: 50},
      {type: 'progress', repo: 'acme/api', entity: 'pullRequest', count: 20},
      {type: 'progress', repo: 'acme/web', entity: 'commit', count: 100},
    ])
    expect(s.repos.get('acme/api')?.counts.pullRequest).toBe(70)
    expect(s.counts).toEqual({pullRequest: 70, commit: 100})
    expect(s.reposTotal).toBe(3)
  })

  it('estimates time left from finished repos', () => {
    const s = feed([start, {type: 'repo', repo: 'a/1', phase: 'done'}])
    s.now = T0 + 10_000
    expect(etaSeconds(s)).toBe(20)
  })

  it('shows active repos before finished and queued ones', () => {
    const s = feed([
      start,
      {type: 'repo', repo: 'a/queued', phase: 'queued'},
      {type: 'repo', repo: 'a/done', phase: 'done'},
      {type: 'repo', repo: 'a/busy', phase: 'commits'},
    ])
    expect(visibleRows(s, 2).map((r) => r.repo)).toEqual(['a/busy', 'a/done'])
  })
})

describe('DashboardView', () => {
  it('renders rows, a rate-limit gauge with a countdown, errors and reacts to q', async () => {
    const s = feed([
      start,
      {type: 'repo', repo: 'acme/api', phase: 'commits', done: 1, total: 2},
      {type: 'progress', repo: 'acme/api', entity: 'commit', count: 1234},
      {type: 'rateLimit', state: {credentialId: 'default/1', principal: 'cloud-user:{u}', limit: 1000, remaining: 50, resetAt: null, waitingUntil: T0 + 42_000, used: 950}},
      {type: 'wait', credentialId: 'default/1', principal: 'cloud-user:{u}', until: new Date(T0 + 42_000).toISOString(), reason: 'window'},
      {type: 'error', repo: 'acme/gone', message: 'repository not found'},
    ])
    const onQuit = vi.fn()
    const view = render(<DashboardView state={s} rows={30} onQuit={onQuit} now={() => T0} tickMs={10_000} />)
    const frame = view.lastFrame() ?? ''
    expect(frame).toContain('acme/api')
    expect(frame).toContain('commits 1,234')
    expect(frame).toContain('default/1')
    expect(frame).toContain('50/1,000 left')
    expect(frame).toContain('waiting 42s')
    expect(frame).toContain('Errors (1)')
    expect(frame).toContain('acme/gone: repository not found')
    await new Promise((r) => setImmediate(r))
    view.stdin.write('q')
    await new Promise((r) => setImmediate(r))
    expect(onQuit).toHaveBeenCalledTimes(1)
    view.unmount()
  })

  it('on an 80-column terminal every repository stays on one line (no wrapped bars or phases)', () => {
    const repos = ['acme-platform/billing-service', 'acme-platform/api-gateway', 'acme-web/data-pipeline', 'acme-web/notifications']
    const phases = ['commitFiles', 'pullRequests', 'done', 'queued'] as const
    const s = feed([
      {...start, repos: repos.length, store: 'sqlite:/tmp/a/rather/long/path/to/the/store/bb-integrate.db'},
      ...repos.map((repo, i): SyncEvent => ({type: 'repo', repo, phase: phases[i]!, done: 3, total: 10})),
      ...repos.map((repo): SyncEvent => ({type: 'progress', repo, entity: 'commitFile', count: 12_345})),
      {type: 'rateLimit', state: {credentialId: 'default/1', principal: 'dc-user:mei', limit: null, remaining: null, resetAt: null, waitingUntil: null, used: 3}},
    ])
    const view = render(<Box width={80}><DashboardView state={s} rows={23} columns={80} onQuit={() => undefined} now={() => T0} tickMs={10_000} /></Box>)
    const lines = (view.lastFrame() ?? '').split('\n')
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80)
    for (const [i, repo] of repos.entries()) {
      const line = lines.find((l) => l.startsWith(repo))
      expect(line, repo).toBeDefined()
      expect(line).toMatch(/[█░]{16} /)
      expect(line).toContain(phases[i])
    }
    // The bars are only on the repository and rate-limit lines: nothing wrapped onto a line of its own.
    expect(lines.filter((l) => /[█░]/.test(l))).toHaveLength(repos.length + 1)
    view.unmount()
  })

  it('finished: ends with the plain renderer\'s summary line and no longer offers q stop', () => {
    const summary: Extract<SyncEvent, {type: 'summary'}> = {
      type: 'summary', at: new Date(T0).toISOString(), complete: true, stopReason: null, reposDone: 3, reposFailed: 0, reposLeft: 0,
      counts: {pullRequest: 5}, requests: 12, retries: 0, rateLimitWaits: 0, durationMs: 4000,
    }
    const running = feed([start, {type: 'repo', repo: 'acme/api', phase: 'commits'}])
    const before = render(<DashboardView state={running} rows={30} onQuit={() => undefined} now={() => T0} tickMs={10_000} />)
    expect(before.lastFrame()).toContain('q stop (resumable)')
    before.unmount()
    const s = feed([start, {type: 'repo', repo: 'acme/api', phase: 'done'}, summary])
    const view = render(<DashboardView state={s} rows={30} onQuit={() => undefined} now={() => T0} tickMs={10_000} />)
    const frame = view.lastFrame() ?? ''
    expect(frame).not.toContain('q stop')
    // The last lines of the frame are the summary (wrapped at the frame's width).
    const tail = frame.trimEnd().split('\n').slice(-2).join(' ')
    expect(tail).toBe(summaryLine(summary, false))
    expect(tail).toContain('sync complete: 3 done, 0 failed, 0 left; 5 pullRequest; 12 requests, 0 retries, 0 rate-limit waits in 4s')
    view.unmount()
  })

  it('narrow terminals: whole counts only, and no bars below 80 columns', () => {
    expect(fitItems(['PRs 150', 'reviews 120', 'commits 1,200'], 20)).toBe('PRs 150  reviews 120')
    expect(fitItems(['PRs 150', 'reviews 120'], 6)).toBe('')
    expect(rowLayout(60).bar).toBe(false)
    expect(rowLayout(120)).toEqual({name: 32, bar: true, counts: 57})
    const l = rowLayout(60)
    expect(l.name + 13 + l.counts).toBe(59)
  })
})

describe('git mirror progress (commits from git)', () => {
  const mirror = (state: 'start' | 'progress' | 'done', extra: Partial<Extract<SyncEvent, {type: 'mirror'}>> = {}): SyncEvent =>
    ({type: 'mirror', repo: 'acme/api', action: 'clone', state, ...extra})

  it('the dashboard shows a clone line with the transfer, then the row returns to its counts', () => {
    const s = feed([start, {type: 'repo', repo: 'acme/api', phase: 'commits'}, mirror('start')])
    expect(render(<DashboardView state={s} rows={30} onQuit={() => undefined} now={() => T0} tickMs={10_000} />).lastFrame()).toMatch(/acme\/api.*clone\s+cloning/)
    applyEvent(s, mirror('progress', {stage: 'receiving', percent: 45, done: 1234, total: 2700}), T0)
    const frame = render(<DashboardView state={s} rows={30} onQuit={() => undefined} now={() => T0} tickMs={10_000} />).lastFrame() ?? ''
    expect(frame).toMatch(/acme\/api.*clone\s+cloning 45% \(1,234\/2,700\)/)
    applyEvent(s, mirror('progress', {stage: 'resolving', percent: 80, done: 800, total: 1000}), T0)
    expect(render(<DashboardView state={s} rows={30} onQuit={() => undefined} now={() => T0} tickMs={10_000} />).lastFrame()).toMatch(/acme\/api.*clone\s+resolving 80% \(800\/1,000\)/)
    applyEvent(s, mirror('done'), T0)
    applyEvent(s, {type: 'progress', repo: 'acme/api', entity: 'commit', count: 100}, T0)
    const after = render(<DashboardView state={s} rows={30} onQuit={() => undefined} now={() => T0} tickMs={10_000} />).lastFrame() ?? ''
    expect(after).not.toContain('cloning')
    expect(after).toMatch(/acme\/api.*commits\s+.*commits 100/)
  })

  it('plain lines: the start and the end, the transfer at most every few seconds', () => {
    const lines: string[] = []
    let clock = T0
    const sink = plainSink((l) => lines.push(l.trimEnd()), () => clock, 5000)
    sink(mirror('start'))
    for (let p = 0; p <= 100; p += 10) {
      clock += 1000
      sink(mirror('progress', {stage: 'receiving', percent: p, done: p * 10, total: 1000}))
    }
    sink(mirror('done'))
    expect(lines[0]).toBe('acme/api: cloning the git mirror…')
    expect(lines.at(-1)).toBe('acme/api: git mirror cloned')
    const transfer = lines.slice(1, -1)
    expect(transfer.length).toBeGreaterThanOrEqual(2)
    expect(transfer.length).toBeLessThanOrEqual(3)
    expect(transfer[0]).toMatch(/^acme\/api: cloning \d+% \([\d,]+\/1,000\)$/)
  })

  it('NDJSON: every mirror event is one line', () => {
    const out: string[] = []
    const sink = ndjsonSink((l) => out.push(l))
    sink(mirror('progress', {stage: 'receiving', percent: 45, done: 1234, total: 2700}))
    expect(JSON.parse(out[0] ?? '')).toEqual({v: 1, type: 'mirror', repo: 'acme/api', action: 'clone', state: 'progress', stage: 'receiving', percent: 45, done: 1234, total: 2700})
  })
})
