import {setMaxListeners} from 'node:events'

import {row, type Check, type CheckContext} from './check.js'
import {configCheck, reachabilityCheck} from './checks/config.js'
import {credentialsCheck, identityCheck, scopesCheck} from './checks/credentials.js'
import {dcVersionCheck, keychainCheck, oauthCheck, rateLimitCheck} from './checks/limits.js'
import {gitCheck} from './checks/git.js'
import {reposCheck, webhooksCheck} from './checks/repos.js'
import {Probes} from './probes.js'
import type {CheckResult, ValidateDeps, ValidateReport} from './types.js'

/** Display order; they all start at once (requests are shared through Probes). */
export const CHECKS: readonly Check[] = [
  configCheck,
  reachabilityCheck,
  credentialsCheck,
  identityCheck,
  scopesCheck,
  reposCheck,
  webhooksCheck,
  rateLimitCheck,
  dcVersionCheck,
  oauthCheck,
  keychainCheck,
  gitCheck,
]

export interface RunValidationOptions {
  strict?: boolean
  signal?: AbortSignal
  checks?: readonly Check[]
}

function timeout(check: Check, ms: number, timers: NodeJS.Timeout[]): Promise<CheckResult[]> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve([row(check.id, check.title, 'fail', `did not finish within ${(ms / 1000).toFixed(1)} s.`, 'Check the network and the server; rerun with a longer timeout.')]), ms)
    t.unref?.()
    timers.push(t)
  })
}

export function isOk(checks: readonly CheckResult[], strict = false): boolean {
  return checks.every((c) => c.status !== 'fail' && !(strict && c.status === 'warn'))
}

/**
 * Runs every check concurrently, each bounded by `deps.checkTimeoutMs`. A check that throws becomes
 * a `fail` row: validate reports, it does not crash.
 */
export async function runValidation(deps: ValidateDeps, options: RunValidationOptions = {}): Promise<ValidateReport> {
  const started = deps.now()
  const controller = new AbortController()
  // Every check's requests listen on this one signal (two per selected repository): no leak, no warning.
  setMaxListeners(0, controller.signal)
  options.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason), {once: true})
  const probes = new Probes(deps, controller.signal)

  let gate: Promise<string | null> | undefined
  let auth: Promise<string | null> | undefined
  const ctx: CheckContext = {
    deps,
    probes,
    signal: controller.signal,
    networkGate() {
      gate ??= (async () => {
        if (!deps.connection) return 'No connection configured.'
        if (deps.openError) return 'The connection could not be opened (see the config row).'
        if (!deps.provider) return 'No provider.'
        const r = await probes.reach()
        return r && !r.ok ? 'API host not reachable (see the reachability row).' : null
      })()
      return gate
    },
    authGate() {
      auth ??= (async () => {
        const reason = await ctx.networkGate()
        if (reason) return reason
        const usable = deps.credentials.filter((c) => !c.unavailable)
        const outcomes = await Promise.all(usable.map((c) => probes.identity(c.httpId)))
        // Requests with only rejected credentials would repeat the same 401 once per repository.
        const rejected = outcomes.every((o) => !o.ok && o.error.kind === 'unauthorized')
        return usable.length === 0 ? 'No usable credential.' : rejected ? 'No credential was accepted (see the credential rows).' : null
      })()
      return auth
    },
  }

  const timers: NodeJS.Timeout[] = []
  const guarded = (check: Check): Promise<CheckResult[]> =>
    Promise.race([
      check.run(ctx).catch((err: unknown) => [row(check.id, check.title, 'fail', `check crashed: ${err instanceof Error ? err.message : String(err)}`)]),
      timeout(check, deps.checkTimeoutMs, timers),
    ])

  const checks = options.checks ?? CHECKS
  const first = checks.filter((c) => !c.last).map((c) => [c, guarded(c)] as const)
  const firstDone = Promise.allSettled(first.map(([, p]) => p))
  const later = checks.filter((c) => c.last).map((c) => [c, firstDone.then(() => guarded(c))] as const)
  const byCheck = new Map<Check, Promise<CheckResult[]>>([...first, ...later])
  const results: CheckResult[] = []
  for (const c of checks) results.push(...(await (byCheck.get(c) as Promise<CheckResult[]>)))
  // Stop whatever a timed-out check left running.
  for (const t of timers) clearTimeout(t)
  controller.abort()

  return {
    ok: isOk(results, options.strict),
    connection: deps.connectionName,
    provider: deps.connection?.provider ?? null,
    durationMs: Math.round(deps.now() - started),
    checks: results,
  }
}
