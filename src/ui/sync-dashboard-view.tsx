import {Box, Text, useInput} from 'ink'
import React, {useEffect, useState} from 'react'

import type {RateLimitState} from '../core/http/types.js'
import {formatDuration} from '../core/format.js'
import type {EntityName} from '../core/model.js'
import {
  type DashboardState, ENTITY_LABELS, etaSeconds, formatCount, reposFinished, totalEntities, visibleRows,
} from './sync-state.js'

const BAR_WIDTH = 16

export function bar(fraction: number, width = BAR_WIDTH): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0))
  const full = Math.round(f * width)
  return '█'.repeat(full) + '░'.repeat(width - full)
}

const PHASE_FRACTION: Record<string, number> = {
  queued: 0, pullRequests: 0.15, reviews: 0.35, commits: 0.55, commitFiles: 0.75, done: 1, failed: 1, skipped: 1,
}

const ROW_ENTITIES: EntityName[] = ['pullRequest', 'review', 'commit', 'commitFile']

// bar + space, phase: fixed; the name column gives way on narrow terminals, the counts are truncated last.
const PHASE_WIDTH = 13
const MIN_COUNTS = 20

/** The repository-name column: 32 on a wide terminal, down to 16 so one repo stays one line at 80 columns. */
export function nameWidth(columns: number): number {
  return Math.max(16, Math.min(32, columns - (BAR_WIDTH + 1) - PHASE_WIDTH - MIN_COUNTS))
}

function RepoLine({repo, width}: {repo: ReturnType<typeof visibleRows>[number]; width: number}) {
  const within = repo.total && repo.total > 0 ? Math.min(1, repo.done / repo.total) : 0
  const phases = Object.keys(PHASE_FRACTION)
  const base = PHASE_FRACTION[repo.phase] ?? 0
  const next = PHASE_FRACTION[phases[phases.indexOf(repo.phase) + 1] ?? 'done'] ?? 1
  const fraction = repo.phase === 'done' || repo.phase === 'failed' || repo.phase === 'skipped' ? 1 : base + (next - base) * within
  const color = repo.phase === 'failed' ? 'red' : repo.phase === 'done' ? 'green' : repo.phase === 'queued' ? 'gray' : 'cyan'
  const counts = ROW_ENTITIES.map((e) => `${ENTITY_LABELS[e]} ${formatCount(repo.counts[e] ?? 0)}`).join('  ')
  return (
    // Fixed columns never shrink (a shrunk bar or phase wraps onto a second line and the frame outgrows
    // the terminal); only the counts give way.
    <Box>
      <Box width={width} flexShrink={0}><Text wrap="truncate-end">{repo.repo}</Text></Box>
      <Box flexShrink={0}><Text color={color}>{bar(fraction)} </Text></Box>
      <Box width={PHASE_WIDTH} flexShrink={0}><Text color={color}>{repo.phase}</Text></Box>
      <Box flexShrink={1}><Text dimColor wrap="truncate-end">{counts}</Text></Box>
    </Box>
  )
}

export function RateGauge({rl, wait, now}: {rl: RateLimitState; wait?: {until: number; reason: string}; now: number}) {
  const limit = rl.limit ?? 0
  const remaining = rl.remaining ?? (limit ? Math.max(0, limit - rl.used) : null)
  const fraction = limit && remaining !== null ? remaining / limit : 1
  const color = fraction < 0.1 ? 'red' : fraction < 0.3 ? 'yellow' : 'green'
  const until = wait?.until ?? rl.waitingUntil
  const waiting = until && until > now ? `  waiting ${formatDuration(until - now)} (${wait?.reason ?? 'rate limit'})` : ''
  return (
    <Box>
      <Box width={24} flexShrink={0}><Text wrap="truncate-end">{rl.credentialId}</Text></Box>
      <Box flexShrink={0}><Text color={color}>{bar(fraction, 20)} </Text></Box>
      <Text wrap="truncate-end">
        {remaining === null ? 'unknown' : `${formatCount(remaining)}/${formatCount(limit)} left`}
        <Text color="yellow">{waiting}</Text>
      </Text>
    </Box>
  )
}

export interface DashboardViewProps {
  state: DashboardState
  rows: number
  /** Terminal width (default 100): the layout keeps every line to one row. */
  columns?: number
  onQuit: () => void
  /** Redraw interval; the countdown and throughput need a clock even without events. */
  tickMs?: number
  now?: () => number
}

export function DashboardView({state, rows, columns = 100, onQuit, tickMs = 250, now = Date.now}: DashboardViewProps) {
  const [, setTick] = useState(0)
  useEffect(() => {
    const t = setInterval(() => {
      state.now = now()
      setTick((n) => n + 1)
    }, tickMs)
    return () => clearInterval(t)
  }, [state, tickMs, now])
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      state.stopping = true
      onQuit()
    }
  })

  const elapsed = (state.now - state.startedAt) / 1000
  const entities = totalEntities(state.counts)
  const rate = elapsed > 0 ? Math.round(entities / elapsed) : 0
  const eta = etaSeconds(state)
  const finished = reposFinished(state)
  const limits = [...state.rateLimits.values()]
  const errorLines = state.errors.slice(-3)
  const warningLines = state.warnings.slice(-2)
  const repoRows = Math.max(3, rows - 10 - limits.length - errorLines.length - (warningLines.length ? warningLines.length + 2 : 0))
  const shown = visibleRows(state, repoRows)
  const hidden = state.repos.size - shown.length
  const totals = (Object.keys(ENTITY_LABELS) as EntityName[])
    .filter((e) => (state.counts[e] ?? 0) > 0)
    .map((e) => `${formatCount(state.counts[e] ?? 0)} ${ENTITY_LABELS[e]}`)
    .join(' · ')

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>bb-integrate sync</Text>
        <Text dimColor>{`  ${state.provider ?? ''} · ${state.connection ?? ''} → ${state.store ?? ''}  ${formatDuration(elapsed * 1000)}`}</Text>
      </Text>
      <Text wrap="truncate-end">
        {state.connection === null
          ? 'Connecting and listing repositories…'
          : `Repos ${finished}/${state.reposTotal} · ${totals || 'starting…'} · ${formatCount(rate)} entities/s · ETA ${eta === null ? '—' : formatDuration(eta * 1000)}`}
        {state.retries > 0 ? <Text color="yellow">{` · ${state.retries} retries`}</Text> : null}
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {shown.map((r) => <RepoLine key={r.repo} repo={r} width={nameWidth(columns)} />)}
        {hidden > 0 ? <Text dimColor>{`… ${hidden} more`}</Text> : null}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Rate limit (per credential)</Text>
        {limits.length === 0 ? <Text dimColor>no requests yet</Text> : null}
        {limits.map((rl) => <RateGauge key={rl.credentialId} rl={rl} wait={state.waits.get(rl.credentialId)} now={state.now} />)}
      </Box>
      <MessagePane title="Warnings" color="yellow" total={state.warnings.length} shown={warningLines} />
      <MessagePane title="Errors" color="red" total={state.errors.length} shown={errorLines} />
      <Text dimColor>{state.stopping ? 'stopping after the current pages… (resumable)' : 'q stop (resumable)'}</Text>
    </Box>
  )
}

/** The last few warnings or errors under a heading with their total; nothing when there are none. */
function MessagePane({title, color, total, shown}: {title: string; color: string; total: number; shown: Array<{repo?: string; message: string}>}) {
  if (shown.length === 0) return null
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold color={color}>{`${title} (${total})`}</Text>
      {shown.map((m, i) => <Text key={i} color={color} wrap="truncate-end">{`${m.repo ? m.repo + ': ' : ''}${m.message}`}</Text>)}
    </Box>
  )
}
