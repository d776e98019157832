/** Request accounting: what a sync cost, per route, for tests that assert request budgets. */
export interface StatsSnapshot {
  total: number
  /** Same as total (name some callers expect). */
  requests: number
  byRoute: Record<string, number>
  byStatus: Record<string, number>
  rateLimited: number
  faults: Record<string, number>
  webhookDeliveries: number
  /** Git smart-HTTP requests (also in byRoute as "GIT …"), not part of total: git has its own budget. */
  git: number
}

export class Stats {
  total = 0
  byRoute = new Map<string, number>()
  byStatus = new Map<number, number>()
  rateLimited = 0
  webhookDeliveries = 0
  git = 0

  countGit(route: string): void {
    this.git += 1
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1)
  }

  count(route: string): void {
    this.total += 1
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1)
  }

  status(code: number): void {
    this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + 1)
    if (code === 429) this.rateLimited += 1
  }

  reset(): void {
    this.total = 0
    this.byRoute.clear()
    this.byStatus.clear()
    this.rateLimited = 0
    this.webhookDeliveries = 0
    this.git = 0
  }

  snapshot(faults: Record<string, number>): StatsSnapshot {
    return {
      total: this.total,
      requests: this.total,
      byRoute: Object.fromEntries([...this.byRoute].sort(([a], [b]) => a.localeCompare(b))),
      byStatus: Object.fromEntries([...this.byStatus].map(([k, v]) => [String(k), v])),
      rateLimited: this.rateLimited,
      faults: {...faults},
      webhookDeliveries: this.webhookDeliveries,
      git: this.git,
    }
  }
}
