import type {Probes} from './probes.js'
import type {CheckResult, CheckStatus, ValidateDeps} from './types.js'

export interface CheckContext {
  deps: ValidateDeps
  probes: Probes
  signal: AbortSignal
  /** null when requests can be made; otherwise why not (no config, host down…), for a `skip` row. */
  networkGate(): Promise<string | null>
  /** Like networkGate, and also null only when some credential was not rejected (401). */
  authGate(): Promise<string | null>
}

export interface Check {
  id: string
  title: string
  /** Run after every other check settled (reads what they observed, e.g. rate-limit headers). */
  last?: boolean
  run(ctx: CheckContext): Promise<CheckResult[]>
}

export function row(id: string, title: string, status: CheckStatus, detail: string, remedy: string | null = null): CheckResult {
  return {id, title, status, detail, remedy}
}

export const fmt = (n: number): string => n.toLocaleString('en-US')

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmt(n)} ${n === 1 ? one : many}`
}
