import type {CredentialKind, CredentialMeta} from '../config/schema.js'
import type {StoredSecret} from '../auth/types.js'
import type {HttpClient} from '../http/types.js'
import type {ProviderKind} from '../model.js'
import type {Provider} from '../provider/types.js'
import type {WebhookContext} from '../webhooks/context.js'
import type {ReachOptions, ReachResult} from './net.js'

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip'

/** One row of `validate`: the JSON contract (`{ok, checks: CheckResult[]}`). */
export interface CheckResult {
  id: string
  title: string
  status: CheckStatus
  detail: string
  /** What to do about it; null when nothing is needed. */
  remedy: string | null
}

export interface ValidateReport {
  /** No check failed (and, with strict, none warned). */
  ok: boolean
  connection: string
  provider: ProviderKind | null
  durationMs: number
  checks: CheckResult[]
}

/** A credential as validate sees it: the id the HTTP client pins, plus its non-secret metadata. */
export interface ValidateCredential {
  /** HttpCredential id, passed as `credentialId` to pin requests to it. */
  httpId: string
  kind: CredentialKind
  /** null for BB_INTEGRATE_TOKEN (no stored metadata). */
  meta: CredentialMeta | null
  /** Basic user for API tokens (BB_INTEGRATE_EMAIL or the stored e-mail). */
  email?: string | null
  principal: string
  /** Why requests cannot be made with it (e.g. its secret is missing); the row fails with this. */
  unavailable?: string
}

export interface ValidateDeps {
  connectionName: string
  /** null when there is no such connection in the config (and no BB_INTEGRATE_TOKEN fallback). */
  connection: {provider: ProviderKind; url: string; caFile?: string; selection: string[]; credentials?: Array<{target?: string | null}>} | null
  /** Why the connection could not be opened (missing secret, keychain down…), when it could not. */
  openError?: unknown
  provider: Provider | null
  client: Pick<HttpClient, 'rateLimits'> | null
  credentials: ValidateCredential[]
  /** True when BB_INTEGRATE_TOKEN replaces the stored credentials. */
  usingEnvToken: boolean
  /** Read a credential's stored secret (OAuth expiry, keychain reachability). */
  readSecret?: (meta: CredentialMeta) => Promise<StoredSecret | null>
  /** Features whose permissions must be present (webhooks: once `webhooks ensure` recorded a setup). */
  features: {webhooks: boolean}
  /** The connection opened for webhook administration (the webhooks row); null when it could not be opened. */
  webhooks?: WebhookContext | null
  /** DNS, TCP, TLS to the server, with the proxies and CAs of the caller's environment. */
  reach: (url: string, options: Omit<ReachOptions, 'env'>) => Promise<ReachResult>
  /** The installed git and a trial fetch of one repository (absent: the git row skips). */
  git?: {
    version(): Promise<string | null>
    tryFetch(repo: string, signal?: AbortSignal): Promise<void>
  }
  now: () => number
  /** Per check; a check that runs longer fails with a timeout row. */
  checkTimeoutMs: number
  /** Parallel requests for the per-repo checks. */
  concurrency?: number
  /** Cloud's documented hourly budget, used when the server does not report one. */
  defaultHourlyBudget?: number
}
