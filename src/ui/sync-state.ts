import type {RateLimitState} from '../core/http/types.js'
import type {EntityName} from '../core/model.js'
import type {EntityCounts, RepoPhase, SyncEvent} from '../core/sync/events.js'

/**
 * What the sync dashboard shows, folded from the event stream. Pure so it can be tested without
 * a terminal and shared by every renderer that needs totals.
 */
export interface RepoRow {
  repo: string
  phase: RepoPhase
  done: number
  total: number | null
  counts: EntityCounts
  /** Its git mirror being cloned or fetched (commits from git), while that runs. */
  mirror: MirrorRow | null
  /** Order in which the repo first became active, for stable rows. */
  order: number
  updatedAt: number
}

export interface MirrorRow {
  action: 'clone' | 'fetch'
  stage: 'receiving' | 'resolving' | null
  percent: number | null
  done: number | null
  total: number | null
}

/** "cloning", "fetching 45% (1,234/2,700)" while objects arrive, "resolving 80% (800/1,000)" after. */
export function mirrorText(m: MirrorRow): string {
  const verb = m.action === 'clone' ? 'cloning' : 'fetching'
  if (m.stage === null || m.percent === null) return verb
  const count = m.done !== null && m.total !== null ? ` (${formatCount(m.done)}/${formatCount(m.total)})` : ''
  return `${m.stage === 'receiving' ? verb : 'resolving'} ${m.percent}%${count}`
}

export interface DashboardState {
  startedAt: number
  now: number
  connection: string | null
  provider: string | null
  store: string | null
  reposTotal: number
  repos: Map<string, RepoRow>
  counts: EntityCounts
  rateLimits: Map<string, RateLimitState>
  waits: Map<string, {until: number; reason: string}>
  retries: number
  errors: Array<{repo?: string; message: string}>
  warnings: Array<{repo?: string; message: string}>
  summary: Extract<SyncEvent, {type: 'summary'}> | null
  /** A `--plan` run: its summary counts the requests spent on counting. */
  planned: boolean
  stopping: boolean
}

export function initialState(now: number): DashboardState {
  return {
    startedAt: now,
    now,
    connection: null,
    provider: null,
    store: null,
    reposTotal: 0,
    repos: new Map(),
    counts: {},
    rateLimits: new Map(),
    waits: new Map(),
    retries: 0,
    errors: [],
    warnings: [],
    summary: null,
    planned: false,
    stopping: false,
  }
}

const MAX_MESSAGES = 50

function row(state: DashboardState, repo: string): RepoRow {
  let r = state.repos.get(repo)
  if (!r) {
    r = {repo, phase: 'queued', done: 0, total: null, counts: {}, mirror: null, order: state.repos.size, updatedAt: state.now}
    state.repos.set(repo, r)
  }
  return r
}

/** Mutates and returns `state` (the dashboard re-renders on a timer, not per event). */
export function applyEvent(state: DashboardState, event: SyncEvent, now: number): DashboardState {
  state.now = now
  switch (event.type) {
    case 'start':
      state.connection = event.connection
      state.provider = event.provider
      state.store = event.store
      state.reposTotal = event.repos
      break
    case 'repo': {
      const r = row(state, event.repo)
      r.phase = event.phase
      if (event.done !== undefined) r.done = event.done
      if (event.total !== undefined) r.total = event.total
      r.updatedAt = now
      break
    }
    case 'mirror': {
      const r = row(state, event.repo)
      r.mirror = event.state === 'done' ? null : {
        action: event.action, stage: event.stage ?? null, percent: event.percent ?? null, done: event.done ?? null, total: event.total ?? null,
      }
      r.updatedAt = now
      break
    }
    case 'progress': {
      const r = row(state, event.repo)
      r.counts[event.entity] = (r.counts[event.entity] ?? 0) + event.count
      state.counts[event.entity] = (state.counts[event.entity] ?? 0) + event.count
      r.updatedAt = now
      break
    }
    case 'rateLimit':
      state.rateLimits.set(event.state.credentialId, event.state)
      if (event.state.waitingUntil === null) state.waits.delete(event.state.credentialId)
      break
    case 'wait': {
      const until = Date.parse(event.until)
      state.waits.set(event.credentialId, {until, reason: event.reason})
      break
    }
    case 'retry':
      state.retries++
      break
    case 'warning':
      state.warnings.push({repo: event.repo, message: event.message})
      if (state.warnings.length > MAX_MESSAGES) state.warnings.shift()
      break
    case 'error':
      state.errors.push({repo: event.repo, message: event.message})
      if (state.errors.length > MAX_MESSAGES) state.errors.shift()
      if (event.repo) row(state, event.repo).phase = 'failed'
      break
    case 'summary':
      state.summary = event
      break
    case 'planSummary':
      state.planned = true
      break
    case 'plan':
      break
  }
  return state
}

export const ENTITY_LABELS: Record<EntityName, string> = {
  repository: 'repos',
  pullRequest: 'PRs',
  review: 'reviews',
  commit: 'commits',
  commitFile: 'files',
  issueRef: 'issue refs',
  user: 'users',
}

export function totalEntities(counts: EntityCounts): number {
  let n = 0
  for (const v of Object.values(counts)) n += v ?? 0
  return n
}

export function reposFinished(state: DashboardState): number {
  let n = 0
  for (const r of state.repos.values()) if (r.phase === 'done' || r.phase === 'failed' || r.phase === 'skipped') n++
  return n
}

/** Seconds left, from the share of finished repos; null until something finished. */
export function etaSeconds(state: DashboardState): number | null {
  const finished = reposFinished(state)
  if (finished === 0 || state.reposTotal === 0) return null
  const elapsed = (state.now - state.startedAt) / 1000
  const left = state.reposTotal - finished
  return Math.max(0, Math.round((elapsed / finished) * left))
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** Rows to show: active first (most recently updated), then finished, then queued — capped. */
export function visibleRows(state: DashboardState, max: number): RepoRow[] {
  const rank = (r: RepoRow) => (r.phase === 'done' || r.phase === 'skipped' ? 2 : r.phase === 'queued' ? 3 : r.phase === 'failed' ? 1 : 0)
  return [...state.repos.values()]
    .sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? b.updatedAt - a.updatedAt : a.order - b.order))
    .slice(0, Math.max(0, max))
}
