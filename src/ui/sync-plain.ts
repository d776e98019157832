import type {EntityCounts, SyncEvent, SyncEventSink} from '../core/sync/events.js'
import {formatDuration} from '../core/format.js'
import {formatCounts, summaryLine} from './sync-summary.js'
import {mirrorText} from './sync-state.js'

const PHASE_TEXT: Record<string, string> = {
  pullRequests: 'pull requests',
  reviews: 'reviews',
  commits: 'commits',
  commitFiles: 'commit files',
}


/**
 * Plain progress lines for logs and CI (no TTY): one line per repo phase change, at most one
 * progress line per repo every `everyMs`, every wait with the time it ends, every retry, warning
 * and error, then the summary. Written to stderr: stdout stays for data.
 */
export function plainSink(write: (line: string) => void, now: () => number = Date.now, everyMs = 5000): SyncEventSink {
  const lastProgress = new Map<string, number>()
  const lastMirror = new Map<string, number>()
  const repoCounts = new Map<string, EntityCounts>()
  const repoPhase = new Map<string, string>()
  let planned = false
  const out = (line: string) => write(line + '\n')
  return (event: SyncEvent) => {
    switch (event.type) {
      case 'start':
        out(`sync: ${event.repos} repositories of connection "${event.connection}" (${event.provider}) → ${event.store}${event.full ? ' [full]' : ''}${event.shard ? ` [shard ${event.shard}]` : ''}`)
        break
      case 'plan':
        // Unknown counts (Data Center gives none cheaply) make the figure a floor, not an estimate.
        out(`plan: ${event.repo}: ${event.pullRequests === null || event.commits === null ? '≥' : '~'}${event.estimatedRequests} requests (${event.pullRequests ?? '?'} PRs, ${event.commits ?? '?'} commits)${event.git ? ` + git ${event.git.action}: ${event.git.requests.high} requests` : ''}`)
        break
      case 'planSummary':
        planned = true
        out(`plan: ${event.repos} repositories, ~${event.estimatedRequests} requests, ~${formatDuration(event.estimatedSeconds * 1000)} at ${event.requestsPerHour} requests/hour per principal${event.git ? `; git: ~${event.git.estimatedRequests} requests${event.git.requestsPerHour === null ? ' (same budget)' : ` at ${event.git.requestsPerHour} requests/hour`}` : ''}`)
        break
      case 'repo':
        if (event.phase === 'queued') break
        if (event.phase === 'done') {
          out(`${event.repo}: done (${formatCounts(repoCounts.get(event.repo) ?? {})})`)
        } else if (event.phase === 'failed' || event.phase === 'skipped') {
          out(`${event.repo}: ${event.phase}`)
        } else if (repoPhase.get(event.repo) !== event.phase) {
          repoPhase.set(event.repo, event.phase)
          out(`${event.repo}: ${PHASE_TEXT[event.phase] ?? event.phase}…`)
        } else if (now() - (lastProgress.get(event.repo) ?? 0) >= everyMs) {
          lastProgress.set(event.repo, now())
          out(`${event.repo}: ${PHASE_TEXT[event.phase] ?? event.phase} ${event.done}${event.total ? `/${event.total}` : ''}`)
        }
        break
      case 'mirror': {
        // Start and end always; the transfer at most every few seconds per repository.
        const verb = event.action === 'clone' ? 'clon' : 'fetch'
        if (event.state === 'start') out(`${event.repo}: ${verb}ing the git mirror…`)
        else if (event.state === 'done') out(`${event.repo}: git mirror ${verb}ed`)
        else if (now() - (lastMirror.get(event.repo) ?? 0) >= everyMs) {
          lastMirror.set(event.repo, now())
          out(`${event.repo}: ${mirrorText({action: event.action, stage: event.stage ?? null, percent: event.percent ?? null, done: event.done ?? null, total: event.total ?? null})}`)
        }
        break
      }
      case 'progress': {
        const c = repoCounts.get(event.repo) ?? {}
        c[event.entity] = (c[event.entity] ?? 0) + event.count
        repoCounts.set(event.repo, c)
        break
      }
      case 'wait':
        out(`rate limit (${event.reason}) for ${event.principal}: waiting until ${event.until}`)
        break
      case 'retry':
        out(`retry ${event.attempt} in ${event.delayMs} ms: ${event.reason}`)
        break
      case 'warning':
        out(`warning: ${event.repo ? `${event.repo}: ` : ''}${event.message}`)
        break
      case 'error':
        out(`error: ${event.repo ? `${event.repo}: ` : ''}${event.message}`)
        break
      case 'summary':
        out(summaryLine(event, planned))
        break
      default:
        break
    }
  }
}
