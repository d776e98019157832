/**
 * Counts requests in a rolling window with fixed-size buckets: memory stays at
 * windowMs / bucketMs + 1 counters however many requests are made. Each request is treated as if it
 * happened at the end of its bucket, so the estimate errs towards "used" and we never outrun the
 * server's own rolling window.
 */
export class RollingWindow {
  private readonly starts: number[] = []
  private readonly counts: number[] = []
  private total = 0

  constructor(
    readonly windowMs: number,
    readonly bucketMs: number = Math.max(1, Math.floor(windowMs / 60)),
  ) {}

  record(nowMs: number): void {
    this.prune(nowMs)
    const start = Math.floor(nowMs / this.bucketMs) * this.bucketMs
    const last = this.starts.length - 1
    if (last >= 0 && this.starts[last] === start) this.counts[last] = (this.counts[last] ?? 0) + 1
    else {
      this.starts.push(start)
      this.counts.push(1)
    }
    this.total++
  }

  used(nowMs: number): number {
    this.prune(nowMs)
    return this.total
  }

  /** Earliest epoch ms at which fewer than `limit` requests are in the window (nowMs if already so). */
  freeAt(nowMs: number, limit: number): number {
    this.prune(nowMs)
    const excess = this.total - Math.max(0, limit) + 1
    if (excess <= 0) return nowMs
    let dropped = 0
    for (let i = 0; i < this.starts.length; i++) {
      dropped += this.counts[i] ?? 0
      if (dropped >= excess) return this.expiryOf(i)
    }
    // limit <= 0: the window never frees; report the end of the newest bucket's window.
    return this.starts.length > 0 ? this.expiryOf(this.starts.length - 1) : nowMs + this.windowMs
  }

  /** The buckets still in the window: [bucket start epoch ms, requests]. */
  snapshot(nowMs: number): Array<[number, number]> {
    this.prune(nowMs)
    return this.starts.map((start, i) => [start, this.counts[i] ?? 0])
  }

  /** Epoch ms when the newest request leaves the window, or null when the window is empty. */
  endsAt(nowMs: number): number | null {
    this.prune(nowMs)
    return this.starts.length > 0 ? this.expiryOf(this.starts.length - 1) : null
  }

  /** Epoch ms when the oldest request leaves the window, or null when the window is empty. */
  oldestExpiry(nowMs: number): number | null {
    this.prune(nowMs)
    return this.starts.length > 0 ? this.expiryOf(0) : null
  }

  /**
   * Add requests another process spent (its snapshot). Buckets are realigned to ours and merged in
   * time order, so the window ages them out as if they had been counted here.
   */
  restore(buckets: ReadonlyArray<readonly [number, number]>, nowMs: number): void {
    const merged = new Map<number, number>()
    for (let i = 0; i < this.starts.length; i++) merged.set(this.starts[i]!, this.counts[i] ?? 0)
    for (const [start, count] of buckets) {
      if (!(count > 0) || !Number.isFinite(start) || start > nowMs) continue
      const aligned = Math.floor(start / this.bucketMs) * this.bucketMs
      merged.set(aligned, (merged.get(aligned) ?? 0) + Math.floor(count))
    }
    const sorted = [...merged.entries()].sort((a, b) => a[0] - b[0])
    this.starts.splice(0, this.starts.length, ...sorted.map(([s]) => s))
    this.counts.splice(0, this.counts.length, ...sorted.map(([, c]) => c))
    this.total = sorted.reduce((n, [, c]) => n + c, 0)
    this.prune(nowMs)
  }

  private expiryOf(index: number): number {
    return (this.starts[index] ?? 0) + this.bucketMs + this.windowMs
  }

  private prune(nowMs: number): void {
    let drop = 0
    while (drop < this.starts.length && this.expiryOf(drop) <= nowMs) {
      this.total -= this.counts[drop] ?? 0
      drop++
    }
    if (drop > 0) {
      this.starts.splice(0, drop)
      this.counts.splice(0, drop)
    }
  }
}
