import {Box} from 'ink'
import React from 'react'

import type {RateLimitState} from '../core/http/types.js'
import {formatDuration} from '../core/format.js'
import type {EntityName} from '../core/model.js'
import {
  type DashboardState, ENTITY_LABELS, etaSeconds, formatCount, mirrorText, reposFinished, totalEntities, visibleRows,
} from './sync-state.js'
import {summaryLine} from './sync-summary.js'
import {useLiveFrame} from './live-frame.js'
import {Styled as Text} from './styled.js'

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

// The phase column is fixed; the name column gives way on narrow terminals, then the bar, then whole counts.
const PHASE_WIDTH = 13
const MIN_COUNTS = 20
/** Below this width the bars go (the phase still says where a repository is). */
const BAR_MIN_COLUMNS = 80

export interface RowLayout {
  /** The repository-name column, its one-space gap included. */
  name: number
  bar: boolean
  /** Room left for the counts; only whole "PRs 150" items are shown. */
  counts: number
}

/** The repository row for a terminal `columns` wide: 32 for the name on a wide terminal, never below 12. */
export function rowLayout(columns: number): RowLayout {
  const bar = columns >= BAR_MIN_COLUMNS
  const fixed = (bar ? BAR_WIDTH + 1 : 0) + PHASE_WIDTH
  const name = Math.max(12, Math.min(32, columns - fixed - MIN_COUNTS))
  return {name, bar, counts: Math.max(0, columns - 1 - fixed - name)}
}

/** The repository-name column (kept for callers that only need the name width). */
export function nameWidth(columns: number): number {
  return rowLayout(columns).name
}

/** As many whole items as fit in `width`, by priority (the order given); never half an item. */
export function fitItems(items: readonly string[], width: number, gap = '  '): string {
  let out = ''
  for (const item of items) {
    const next = out ? out + gap + item : item
    if ([...next].length > width) break
    out = next
  }
  return out
}

function RepoLine({repo, layout}: {repo: ReturnType<typeof visibleRows>[number]; layout: RowLayout}) {
  const within = repo.total && repo.total > 0 ? Math.min(1, repo.done / repo.total) : 0
  const phases = Object.keys(PHASE_FRACTION)
  const base = PHASE_FRACTION[repo.phase] ?? 0
  const next = PHASE_FRACTION[phases[phases.indexOf(repo.phase) + 1] ?? 'done'] ?? 1
  const fraction = repo.phase === 'done' || repo.phase === 'failed' || repo.phase === 'skipped' ? 1 : base + (next - base) * within
  const color = repo.phase === 'failed' ? 'red' : repo.phase === 'done' ? 'green' : repo.phase === 'queued' ? 'gray' : 'cyan'
  // While its mirror is cloned or fetched, the row says so (the transfer's progress in place of the counts).
  const counts = repo.mirror ? mirrorText(repo.mirror) : fitItems(ROW_ENTITIES.map((e) => `${ENTITY_LABELS[e]} ${formatCount(repo.counts[e] ?? 0)}`), layout.counts)
  return (
    // Every column has its width: a shrunk column would wrap onto a second line and the frame would
    // outgrow the terminal. A long name ends in "…".
    <Box>
      <Box width={layout.name} flexShrink={0} paddingRight={1}><Text wrap="truncate-end">{repo.repo}</Text></Box>
      {layout.bar ? <Box flexShrink={0}><Text color={color}>{bar(fraction)} </Text></Box> : null}
      <Box width={PHASE_WIDTH} flexShrink={0}><Text color={color}>{repo.mirror ? (repo.mirror.action === 'clone' ? 'clone' : 'fetch') : repo.phase}</Text></Box>
      <Box flexShrink={1}><Text dimColor wrap="truncate-end">{counts}</Text></Box>
    </Box>
  )
}

export function RateGauge({rl, wait, now, columns = 120}: {rl: RateLimitState; wait?: {until: number; reason: string}; now: number; columns?: number}) {
  const limit = rl.limit ?? 0
  const remaining = rl.remaining ?? (limit ? Math.max(0, limit - rl.used) : null)
  const fraction = limit && remaining !== null ? remaining / limit : 1
  const color = fraction < 0.1 ? 'red' : fraction < 0.3 ? 'yellow' : 'green'
  const until = wait?.until ?? rl.waitingUntil
  const waiting = until && until > now ? `  waiting ${formatDuration(until - now)} (${wait?.reason ?? 'rate limit'})` : ''
  return (
    <Box>
      <Box width={columns >= BAR_MIN_COLUMNS ? 24 : 16} flexShrink={0} paddingRight={1}><Text wrap="truncate-end">{rl.credentialId}</Text></Box>
      {columns >= BAR_MIN_COLUMNS ? <Box flexShrink={0}><Text color={color}>{bar(fraction, 20)} </Text></Box> : null}
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
  /** Terminal width when the output stream does not say (default 100): the layout keeps every line to one row. */
  columns?: number
  onQuit: () => void
  /** Redraw interval; the countdown and throughput need a clock even without events. */
  tickMs?: number
  now?: () => number
}

export function DashboardView({state, ...frame}: DashboardViewProps) {
  const {rows, columns} = useLiveFrame(state, frame)

  const elapsed = (state.now - state.startedAt) / 1000
  const entities = totalEntities(state.counts)
  const rate = elapsed > 0 ? Math.round(entities / elapsed) : 0
  const eta = etaSeconds(state)
  const finished = reposFinished(state)
  const limits = [...state.rateLimits.values()]
  const errorLines = state.errors.slice(-3)
  const warningLines = state.warnings.slice(-2)
  const summary = state.summary ? summaryLine(state.summary, state.planned) : null
  // The summary replaces the one-line key help and may wrap: its extra lines come off the repository rows.
  const summaryRows = summary ? Math.ceil([...summary].length / Math.max(20, columns - 1)) : 0
  const repoRows = Math.max(3, rows - 10 - summaryRows - limits.length - errorLines.length - (warningLines.length ? warningLines.length + 2 : 0))
  const shown = visibleRows(state, repoRows)
  const hidden = state.repos.size - shown.length
  const totals = (Object.keys(ENTITY_LABELS) as EntityName[])
    .filter((e) => (state.counts[e] ?? 0) > 0)
    .map((e) => `${formatCount(state.counts[e] ?? 0)} ${ENTITY_LABELS[e]}`)
    .join(' · ')

  const layout = rowLayout(columns)
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>bb-integrate sync</Text>
        <Text dimColor>{`  ${formatDuration(elapsed * 1000)}  ${state.provider ?? ''} · ${state.connection ?? ''} → ${state.store ?? ''}`}</Text>
      </Text>
      <Text wrap="truncate-end">
        {/* Most important first: a narrow terminal cuts the totals, never the ETA. */}
        {state.connection === null
          ? 'Connecting and listing repositories…'
          : `Repos ${finished}/${state.reposTotal} · ETA ${eta === null ? '—' : formatDuration(eta * 1000)} · ${formatCount(rate)} entities/s · ${totals || 'starting…'}`}
        {state.retries > 0 ? <Text color="yellow">{` · ${state.retries} retries`}</Text> : null}
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {shown.map((r) => <RepoLine key={r.repo} repo={r} layout={layout} />)}
        {hidden > 0 ? <Text dimColor>{`… ${hidden} more`}</Text> : null}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Rate limit (per credential)</Text>
        {limits.length === 0 ? <Text dimColor>no requests yet</Text> : null}
        {limits.map((rl) => <RateGauge key={rl.credentialId} rl={rl} wait={state.waits.get(rl.credentialId)} now={state.now} columns={columns} />)}
      </Box>
      <MessagePane title="Warnings" color="yellow" total={state.warnings.length} shown={warningLines} />
      <MessagePane title="Errors" color="red" total={state.errors.length} shown={errorLines} />
      {/* Finished: the same summary line as the plain renderer, and no key help (nothing left to stop). */}
      {summary
        ? <Box marginTop={1}><Text wrap="wrap">{summary}</Text></Box>
        : <Text dimColor wrap="truncate-end">{state.stopping ? 'stopping after the current pages… (resumable)' : 'q stop (resumable)'}</Text>}
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
