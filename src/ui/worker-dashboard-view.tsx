import {Box} from 'ink'
import React from 'react'

import {formatDuration} from '../core/format.js'
import {bar} from './sync-dashboard-view.js'
import {formatCount} from './sync-state.js'
import {useLiveFrame} from './live-frame.js'
import {Styled as Text} from './styled.js'
import {type BudgetGauge, type RunningJobRow, type WorkerDashboardState, runningRows} from './worker-state.js'

/** Below this width the gauges lose their bars (the figures stay). */
const BAR_MIN_COLUMNS = 80
const PHASE_WIDTH = 13
const ELAPSED_WIDTH = 8

/** The principal column: wide enough for an e-mail on a wide terminal, never below 14. */
export function principalWidth(columns: number): number {
  return columns >= BAR_MIN_COLUMNS ? Math.min(40, columns - 60) : Math.max(14, columns - 32)
}

function seconds(ms: number): string {
  return formatDuration(Math.max(0, ms))
}

/** The gauge's words: a pause first (it matters most), then spent of the cap; shorter on a narrow terminal. */
export function budgetText(b: BudgetGauge, now: number, columns = 120): {figures: string; paused: string} {
  const window = b.windowMs % 1000 === 0 ? `${b.windowMs / 1000} s` : `${b.windowMs} ms`
  return {
    paused: b.pausedUntil > now ? `paused ${seconds(b.pausedUntil - now)}  ` : '',
    figures: `${formatCount(b.used)}/${formatCount(b.cap)} ${columns >= BAR_MIN_COLUMNS ? `in this ${window} window` : `per ${window}`}`,
  }
}

function BudgetLine({budget, now, columns}: {budget: BudgetGauge; now: number; columns: number}) {
  const fraction = budget.cap > 0 ? budget.used / budget.cap : 0
  const color = budget.pausedUntil > now ? 'yellow' : fraction >= 1 ? 'red' : fraction >= 0.7 ? 'yellow' : 'green'
  const {figures, paused} = budgetText(budget, now, columns)
  return (
    <Box>
      <Box width={principalWidth(columns)} flexShrink={0} paddingRight={1}><Text wrap="truncate-end">{budget.principal}</Text></Box>
      {columns >= BAR_MIN_COLUMNS ? <Box flexShrink={0}><Text color={color}>{bar(fraction)} </Text></Box> : null}
      <Box flexShrink={1}>
        <Text wrap="truncate-end">
          <Text color="yellow">{paused}</Text>
          {figures}
        </Text>
      </Box>
    </Box>
  )
}

function JobLine({job, now, columns}: {job: RunningJobRow; now: number; columns: number}) {
  const name = Math.max(12, Math.min(64, columns - 1 - PHASE_WIDTH - ELAPSED_WIDTH))
  return (
    <Box>
      <Box width={name} flexShrink={0} paddingRight={1}><Text wrap="truncate-end">{job.name}</Text></Box>
      <Box width={PHASE_WIDTH} flexShrink={0}><Text color="cyan" wrap="truncate-end">{job.phase}</Text></Box>
      <Box width={ELAPSED_WIDTH} flexShrink={0} justifyContent="flex-end"><Text dimColor>{seconds(now - job.startedAt)}</Text></Box>
    </Box>
  )
}

export interface WorkerDashboardViewProps {
  state: WorkerDashboardState
  rows: number
  columns?: number
  onQuit: () => void
  tickMs?: number
  now?: () => number
}

export function WorkerDashboardView({state, ...frame}: WorkerDashboardViewProps) {
  const {rows, columns} = useLiveFrame(state, frame)

  const q = state.queue
  const warnings = state.warnings.slice(-2)
  const errors = state.errors.slice(-2)
  const messageRows = (warnings.length ? warnings.length + 2 : 0) + (errors.length ? errors.length + 2 : 0)
  const budgetRows = Math.max(1, state.budgets.length)
  const jobRows = Math.max(2, rows - 10 - budgetRows - messageRows)
  const shown = runningRows(state, jobRows)
  const hidden = state.running.size - shown.length
  const footer = state.stopped
    ? 'worker stopped'
    : state.stopping
      ? 'stopping: running jobs stop after their current page and go back to the queue'
      : 'q stop (running jobs go back to the queue)'

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>bb-integrate worker</Text>
        <Text dimColor>{`  ${seconds(state.now - state.startedAt)}  ${state.title ?? 'starting…'} · ${state.concurrency} slot(s) · ${state.store ?? ''}`}</Text>
      </Text>
      <Text wrap="truncate-end">
        {q === null
          ? 'Queue: reading…'
          : `Queue ${formatCount(q.waiting)} waiting · ${formatCount(q.scheduled)} later · ${formatCount(q.running)} running · ${formatCount(q.failed)} failed`}
      </Text>
      <Text wrap="truncate-end">
        {`Jobs here ${formatCount(state.done)} done · `}
        <Text color={state.failed > 0 ? 'red' : undefined}>{`${formatCount(state.failed)} failed`}</Text>
        {` · ${formatCount(state.yielded)} yielded · ${formatCount(state.requests)} requests`}
      </Text>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Budget (per principal)</Text>
        {state.budgets.length === 0 ? <Text dimColor>no requests yet</Text> : null}
        {state.budgets.map((b) => <BudgetLine key={b.principal} budget={b} now={state.now} columns={columns} />)}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>{`Running ${state.running.size} of ${state.concurrency}`}</Text>
        {shown.length === 0 ? <Text dimColor>waiting for jobs</Text> : null}
        {shown.map((job) => <JobLine key={job.id} job={job} now={state.now} columns={columns} />)}
        {hidden > 0 ? <Text dimColor>{`… ${hidden} more`}</Text> : null}
      </Box>
      <Messages title="Warnings" color="yellow" total={state.warnings.length} shown={warnings} />
      <Messages title="Failures" color="red" total={state.errors.length} shown={errors} />
      <Text dimColor wrap="truncate-end">{footer}</Text>
    </Box>
  )
}

function Messages({title, color, total, shown}: {title: string; color: string; total: number; shown: string[]}) {
  if (shown.length === 0) return null
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold color={color}>{`${title} (${total})`}</Text>
      {shown.map((m, i) => <Text key={i} color={color} wrap="truncate-end">{m}</Text>)}
    </Box>
  )
}
