import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import type {QueueStatus} from '../../core/workers/status.js'

export default class WorkersStatus extends BaseCommand {
  static override summary = 'Show the job queue: depth, running jobs and their workers, budgets per principal, failed jobs.'
  static override examples = [
    '<%= config.bin %> workers status --store postgres://bb@db/metrics',
    '<%= config.bin %> workers status --store postgres://bb@db/metrics --json | jq .failedJobs',
  ]

  static override flags = {
    store: Flags.string({description: 'The PostgreSQL store (postgres://…) that holds the queue.', env: 'BB_INTEGRATE_STORE'}),
  }

  async run(): Promise<QueueStatus> {
    const {flags} = await this.parse(WorkersStatus)
    const [{openQueue}, {queueStatus}] = await Promise.all([import('../../core/workers/queue.js'), import('../../core/workers/status.js')])
    const queue = await openQueue(flags.store, this.ctx.processEnv)
    let status: QueueStatus
    try {
      status = await queueStatus(queue)
    } finally {
      await queue.close()
    }
    if (!this.jsonEnabled()) this.ctx.io.stdout.write(render(status))
    return status
  }
}

function render(s: QueueStatus): string {
  const out: string[] = []
  out.push(`Queue: ${s.waiting} waiting, ${s.scheduled} scheduled (retry or later), ${s.running} running, ${s.failed} failed`)
  const processes = new Map<string, number>()
  for (const w of s.workers) processes.set(w.process, (processes.get(w.process) ?? 0) + 1)
  out.push(`Workers: ${s.workers.length === 0 ? 'none' : [...processes].map(([p, n]) => `${p} (${n} slot${n === 1 ? '' : 's'})`).join(', ')}`)
  if (s.runningJobs.length > 0) {
    out.push('Running:')
    for (const j of s.runningJobs) out.push(`  ${j.connection}:${j.repo}  attempt ${j.attempt}  on ${j.process ?? j.workerId} since ${j.lockedAt}`)
  }
  if (s.budgets.length > 0) {
    out.push('Budgets (per principal):')
    for (const b of s.budgets) {
      const paused = b.pausedUntil > b.now ? `, paused by a 429 for ${((b.pausedUntil - b.now) / 1000).toFixed(1)} s` : ''
      out.push(`  ${b.principal}: ${b.used}/${b.cap} in this ${b.windowMs / 1000} s window, ${b.total} requests in all, ${b.pauses} pause(s)${paused}`)
    }
  }
  if (s.failedJobs.length > 0) {
    out.push('Failed:')
    for (const j of s.failedJobs) {
      const when = j.final ? 'no attempts left' : `next try ${j.runAt}`
      out.push(`  ${j.connection}:${j.repo}  ${j.attempts}/${j.maxAttempts} attempts, ${when}: ${j.lastError ?? ''}`)
    }
    out.push('  → `bb-integrate workers retry` queues them again now.')
  }
  return out.join('\n') + '\n'
}
