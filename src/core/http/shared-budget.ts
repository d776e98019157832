/**
 * A request budget shared by every process that spends a principal's allowance (workers on several
 * machines). The HTTP client asks it before each request and tells it about each 429, on top of its
 * own in-process pacing.
 */
export interface SharedBudget {
  /** Wait until `principal` may send one more request, and count it. Rejects when `signal` aborts. */
  take(principal: string, signal?: AbortSignal): Promise<void>
  /** A 429 (or Retry-After) seen by this process: nobody sends for `principal` before `untilMs`. */
  pause(principal: string, untilMs: number): Promise<void>
}
