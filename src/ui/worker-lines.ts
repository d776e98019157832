import type {WorkerEvent} from '../core/workers/worker.js'

/** `worker --json`: one `{"v":1,"type":…}` object per line on stdout. */
export function workerNdjson(write: (line: string) => void): (event: WorkerEvent) => void {
  return (event) => write(JSON.stringify({v: 1, ...event}) + '\n')
}

/** `worker` without --json: one plain line per event on stderr. */
export function workerPlain(write: (line: string) => void): (event: WorkerEvent) => void {
  return (event) => {
    const line = describe(event)
    if (line !== null) write(`${new Date().toISOString().slice(11, 19)} ${line}\n`)
  }
}

function describe(event: WorkerEvent): string | null {
  switch (event.type) {
    case 'worker':
      if (event.phase === 'started') return `worker ${event.host}:${event.pid} started: ${event.concurrency} job(s) at once on ${event.store}`
      if (event.phase === 'draining') return 'stopping: running jobs stop after their current page and go back to the queue (Ctrl-C again to leave now)'
      return 'worker stopped'
    case 'job':
      if (event.phase === 'start') return `${event.repo}: started (attempt ${event.attempt}/${event.maxAttempts}${event.revision > 0 ? `, ${event.revision} request(s) coalesced` : ''})`
      if (event.phase === 'done') return `${event.repo}: done in ${(event.durationMs / 1000).toFixed(1)} s, ${event.requests} request(s)`
      // A job's steps and the periodic status are for the live view and NDJSON; the lines stay one per job outcome.
      if (event.phase === 'step') return null
      if (event.phase === 'yielded') return `${event.repo}: waiting for its principal's budget, slot given to other work (resumes from ${event.resumeAt.slice(11, 23)})`
      return `${event.repo}: failed (attempt ${event.attempt}/${event.maxAttempts}${event.final ? ', no attempts left' : ', will retry'}): ${event.error}`
    case 'catchUp':
      return `catch-up: ${event.queued} repositories of ${event.connection} queued`
    case 'reaped':
      return `took back the jobs of ${event.workers.length} silent worker(s): ${event.workers.join(', ')}`
    case 'warning':
      return `warning: ${event.message}`
    case 'status':
      return null
  }
}
