import type {SyncEvent, SyncEventSink} from '../core/sync/events.js'
import type {PlanRange} from '../core/provider/types.js'

type PlanEvent = Extract<SyncEvent, {type: 'plan'}>

const count = (n: number) => n.toLocaleString('en-US')

/** "612" when exact, "~612 (500–700)" when estimated. */
export function formatRange(r: PlanRange): string {
  if (r.low === r.high) return count(r.low)
  return `~${count(Math.round((r.low + r.high) / 2))} (${count(r.low)}–${count(r.high)})`
}

/** Whole hours and minutes past an hour ("3 h 05 m"), minutes and seconds below it. */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`
}

const waitText = (r: PlanRange): string =>
  r.high === 0 ? 'no rate-limit wait' : r.low === r.high ? `${formatWait(r.low)} of rate-limit waits` : `${formatWait(r.low)} – ${formatWait(r.high)} of rate-limit waits`

/**
 * `sync --plan` as text: the plan is the command's output, so it goes to stdout as one table once
 * every repository is planned; waits, retries and warnings go to stderr as in a plain sync.
 */
export function planTextSink(write: (text: string) => void, progress: SyncEventSink): SyncEventSink {
  const rows: PlanEvent[] = []
  return (event: SyncEvent) => {
    switch (event.type) {
      case 'start':
      case 'summary':
      case 'repo':
      case 'progress':
        return
      case 'plan':
        rows.push(event)
        return
      case 'planSummary': {
        rows.sort((a, b) => a.repo.localeCompare(b.repo))
        const name = Math.min(48, Math.max(10, ...rows.map((r) => r.repo.length)))
        // Commits from git: the REST requests, then the git channel's (a clone or fetch per repository).
        const git = event.git !== undefined
        const lines = [`${'REPOSITORY'.padEnd(name)}  ${'PRS'.padStart(7)}  ${'COMMITS'.padStart(9)}  ${git ? `${'REST'.padEnd(10)}  GIT` : 'REQUESTS'}`]
        for (const r of rows) {
          const repo = r.repo.length > name ? `${r.repo.slice(0, name - 1)}…` : r.repo.padEnd(name)
          if (r.status === 'not-found' || r.status === 'error') {
            lines.push(`${repo}  ${'—'.padStart(7)}  ${'—'.padStart(9)}  ${r.status === 'not-found' ? 'not found (404): reported, not synced' : `not planned: ${r.message ?? 'error'}`}`)
            continue
          }
          const requests = r.requests ?? {low: r.estimatedRequests, high: r.estimatedRequests}
          const commits = r.parts && r.parts.commits.low !== r.parts.commits.high ? `~${count(r.commits ?? 0)}` : count(r.commits ?? 0)
          const gitCell = git ? `  ${r.git ? `${formatRange(r.git.requests)} (${r.git.action})` : '—'}` : ''
          lines.push(`${repo}  ${(r.pullRequests === null ? '—' : count(r.pullRequests)).padStart(7)}  ${(r.commits === null ? '—' : commits).padStart(9)}  ${git ? formatRange(requests).padEnd(10) : formatRange(requests)}${gitCell}`)
        }
        const total = event.requests ?? {low: event.estimatedRequests, high: event.estimatedRequests}
        const kind = total.low === total.high ? 'exact' : 'estimate'
        lines.push('')
        lines.push(`Requests: ${formatRange(total)} (${kind}) for ${count(event.repos)} repositories${event.listingRequests ? `, ${count(event.listingRequests)} of them listing pages` : ''}; this plan spent ${count(event.planRequests ?? 0)}, which the sync makes again.`)
        if (kind === 'estimate') lines.push('Estimate: Cloud cannot count commits or PR activity without listing them; the range covers the histories read in part.')
        const budget = event.remaining !== undefined && event.remaining !== null
          ? `${count(event.remaining)} of ${count(event.limit ?? event.requestsPerHour)} left now (earlier runs counted)`
          : 'remaining not known'
        lines.push(`Budget: ${budget}; ${waitText(event.seconds ?? {low: event.estimatedSeconds, high: event.estimatedSeconds})} at ${count(event.requestsPerHour)} requests/hour.`)
        if (event.git) {
          const g = event.git
          const what = `${count(g.clones)} ${g.clones === 1 ? 'clone' : 'clones'}, ${count(g.fetches)} ${g.fetches === 1 ? 'fetch' : 'fetches'}`
          lines.push(g.sharesRestBudget || g.requestsPerHour === null
            ? `Git: ${formatRange(g.requests)} requests (${what}), drawn from the same budget as REST (counted in the wait above).`
            : `Git: ${formatRange(g.requests)} requests (${what}) against git's own ${count(g.requestsPerHour)} requests/hour; ${waitText(g.seconds)}.`)
        }
        if (event.notFound?.length) lines.push(`Not found: ${event.notFound.join(', ')}.`)
        if (event.failed?.length) lines.push(`Not planned: ${event.failed.join(', ')}.`)
        write(lines.join('\n') + '\n')
        return
      }
      default:
        progress(event)
    }
  }
}
