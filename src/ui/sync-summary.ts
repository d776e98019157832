import type {EntityCounts, SyncEvent} from '../core/sync/events.js'
import {formatDuration} from '../core/format.js'

export function formatCounts(counts: EntityCounts): string {
  const parts = Object.entries(counts).filter(([, n]) => (n ?? 0) > 0).map(([e, n]) => `${n} ${e}`)
  return parts.length ? parts.join(', ') : 'no changes'
}

/** The last line of every human renderer (plain lines and the dashboard): how the run ended and what it cost. */
export function summaryLine(event: Extract<SyncEvent, {type: 'summary'}>, planned: boolean): string {
  if (planned) {
    return `plan ${event.complete ? 'done' : `stopped (${event.stopReason ?? 'incomplete'})`}: ${event.requests} requests spent on counting, nothing synced`
  }
  return `sync ${event.complete ? 'complete' : `stopped (${event.stopReason ?? 'incomplete'})`}: ${event.reposDone} done, ${event.reposFailed} failed, ${event.reposLeft} left; ${formatCounts(event.counts)}; ${event.requests} requests, ${event.retries} retries, ${event.rateLimitWaits} rate-limit waits in ${formatDuration(event.durationMs)}`
}
