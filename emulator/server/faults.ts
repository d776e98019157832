/**
 * Fault injection for resilience tests: 5xx answers, connection resets, truncated bodies and extra
 * latency — by probability (seeded, so a run is reproducible) or at explicit request numbers.
 */
export type FaultKind = 'status5xx' | 'reset' | 'truncate' | 'latency'
export const FAULT_KINDS: readonly FaultKind[] = ['status5xx', 'reset', 'truncate', 'latency']

export interface FaultPlan {
  seed?: number
  /** Chance per request of each fault, 0..1; checked in FAULT_KINDS order, at most one per request. */
  probabilities?: Partial<Record<FaultKind, number>>
  /** Request numbers (1-based, counted from when the plan is set, admin requests excluded). */
  schedule?: Array<{request: number; fault: FaultKind; status?: number; latencyMs?: number}>
  /** Status for status5xx faults (default 503). */
  status?: number
  /** Delay for latency faults (default 1000 ms). */
  latencyMs?: number
  /** Only requests whose path starts with this prefix are considered (and counted). */
  pathPrefix?: string
}

export interface Fault {
  kind: FaultKind
  status: number
  latencyMs: number
}

/** mulberry32: tiny, fast, good enough for reproducible coin flips. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export class FaultInjector {
  private plan: FaultPlan = {}
  private random: () => number = prng(0)
  private counter = 0
  readonly injected: Record<FaultKind, number> = {status5xx: 0, reset: 0, truncate: 0, latency: 0}

  set(plan: FaultPlan | null | undefined): void {
    this.plan = plan ?? {}
    this.random = prng(this.plan.seed ?? 0)
    this.counter = 0
  }

  current(): FaultPlan {
    return this.plan
  }

  /** Decide the fault (if any) for the next non-admin request. */
  next(path: string): Fault | null {
    const plan = this.plan
    if (plan.pathPrefix && !path.startsWith(plan.pathPrefix)) return null
    this.counter += 1
    const status = plan.status ?? 503
    const latencyMs = plan.latencyMs ?? 1000
    const scheduled = plan.schedule?.find((s) => s.request === this.counter)
    let fault: Fault | null = null
    if (scheduled) {
      fault = {kind: scheduled.fault, status: scheduled.status ?? status, latencyMs: scheduled.latencyMs ?? latencyMs}
    } else if (plan.probabilities) {
      for (const kind of FAULT_KINDS) {
        const p = plan.probabilities[kind] ?? 0
        // Always draw, so adding one kind's probability does not shift the others' sequence.
        const roll = this.random()
        if (!fault && p > 0 && roll < p) fault = {kind, status, latencyMs}
      }
    }
    if (fault) this.injected[fault.kind] += 1
    return fault
  }

  resetCounts(): void {
    for (const k of FAULT_KINDS) this.injected[k] = 0
  }
}
