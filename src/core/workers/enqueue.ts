import type {Queue, SyncJob} from './queue.js'

/**
 * A change reported for one repository (a webhook delivery, a catch-up pass): queue a sync of it.
 * Changes for a repository whose job has not started yet coalesce into that job (its job key);
 * a change arriving while the job runs queues one more run after it, so nothing is missed.
 */
export async function enqueueDelivery(queue: Pick<Queue, 'addSync'>, job: SyncJob): Promise<{id: string; revision: number}> {
  return queue.addSync(job)
}
