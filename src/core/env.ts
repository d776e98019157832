import {UsageError} from './errors.js'

/** Environment twins of settings. Read in one place so tests can pass their own. */
export interface BbEnv {
  configDir?: string
  token?: string
  email?: string
  connection?: string
  store?: string
  noColor: boolean
  ci: boolean
  /** BB_INTEGRATE_URL / BB_INTEGRATE_PROVIDER: with BB_INTEGRATE_TOKEN, a connection without any config (CI). */
  url?: string
  provider?: string
  /** BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS: how long one keychain call may take (default 10 s). */
  keychainTimeoutMs?: number
  /** BB_INTEGRATE_RATE_LIMIT: requests per hour per principal the client paces itself to (Cloud default 1,000). */
  rateLimitPerHour?: number
}

export function readEnv(env: NodeJS.ProcessEnv): BbEnv {
  return {
    configDir: env.BB_INTEGRATE_CONFIG_DIR || undefined,
    token: env.BB_INTEGRATE_TOKEN || undefined,
    email: env.BB_INTEGRATE_EMAIL || undefined,
    connection: env.BB_INTEGRATE_CONNECTION || undefined,
    store: env.BB_INTEGRATE_STORE || undefined,
    noColor: Boolean(env.NO_COLOR),
    ci: Boolean(env.CI) && env.CI !== 'false',
    url: env.BB_INTEGRATE_URL || undefined,
    provider: env.BB_INTEGRATE_PROVIDER || undefined,
    keychainTimeoutMs: Number(env.BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS) > 0 ? Number(env.BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS) : undefined,
    rateLimitPerHour: positiveInteger(env.BB_INTEGRATE_RATE_LIMIT),
  }
}

function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`BB_INTEGRATE_RATE_LIMIT must be a whole number of requests per hour, not "${text}"`, {code: 'bad_rate_limit'})
  }
  return n
}
