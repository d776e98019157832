/**
 * Rolling-window request logs per budget key. Cloud counts requests over the last hour, not per clock
 * hour, so a log of timestamps (pruned as it slides) is the faithful model.
 */
export interface WindowHit {
  ok: boolean
  /** Requests counted in the window, including this one when ok. */
  used: number
  limit: number
  /** Epoch ms when the oldest counted request leaves the window. */
  resetAt: number
}

export class RateWindows {
  private readonly logs = new Map<string, number[]>()

  hit(key: string, nowMs: number, limit: number, windowMs: number): WindowHit {
    const log = this.logs.get(key) ?? []
    let drop = 0
    while (drop < log.length && (log[drop] as number) <= nowMs - windowMs) drop += 1
    if (drop) log.splice(0, drop)
    const ok = log.length < limit
    if (ok) log.push(nowMs)
    this.logs.set(key, log)
    return {ok, used: log.length, limit, resetAt: (log[0] ?? nowMs) + windowMs}
  }

  reset(): void {
    this.logs.clear()
  }
}
