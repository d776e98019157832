import {CLOUD_REQUESTS_PER_HOUR, type RateLimitState} from '../../http/types.js'
import {fmt, plural, row, type Check} from '../check.js'
import type {CheckResult} from '../types.js'
import {credentialLabel} from './credentials.js'

const PRINCIPAL_NOTE =
  'The budget belongs to the principal (the user behind API tokens, the OAuth consumer, each access token): credentials of one principal share it.'

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16) + ' UTC'
}

export const rateLimitCheck: Check = {
  id: 'rate-limit',
  title: 'Rate-limit headroom',
  last: true,
  async run(ctx) {
    const {deps, probes} = ctx
    const gate = await ctx.networkGate()
    if (gate || !deps.client) return [row(this.id, this.title, 'skip', gate ?? 'No HTTP client.')]
    const byPrincipal = new Map<string, RateLimitState[]>()
    for (const s of deps.client.rateLimits()) {
      const list = byPrincipal.get(s.principal) ?? []
      list.push(s)
      byPrincipal.set(s.principal, list)
    }
    const shared = [...byPrincipal.entries()].filter(([, l]) => new Set(l.map((s) => s.credentialId)).size > 1)
    const sharing = shared.length ? ` Shared: ${shared.map(([p, l]) => `${[...new Set(l.map((s) => s.credentialId))].join(' + ')} → ${p}`).join('; ')}.` : ''
    const parts: string[] = []
    let status: 'pass' | 'warn' | 'fail' = 'pass'
    for (const [principal, list] of byPrincipal) {
      // The most pessimistic view of this principal across its credentials.
      const known = list.filter((s) => s.remaining !== null)
      const remaining = known.length ? Math.min(...known.map((s) => s.remaining as number)) : null
      const limit = list.find((s) => s.limit !== null)?.limit ?? null
      const resetAt = Math.max(0, ...list.map((s) => s.resetAt ?? 0)) || null
      const used = list.reduce((n, s) => n + s.used, 0)
      if (remaining !== null && limit) {
        parts.push(`${principal}: ${fmt(remaining)} of ${fmt(limit)} left${resetAt && remaining < limit ? `, refills by ${clock(resetAt)}` : ''}`)
        if (remaining === 0) status = 'fail'
        else if (remaining < Math.max(50, limit * 0.1) && status === 'pass') status = 'warn'
      } else {
        parts.push(`${principal}: remaining not reported by the server (about ${fmt(deps.defaultHourlyBudget ?? CLOUD_REQUESTS_PER_HOUR)}/hour); validate used ${plural(used, 'request')}`)
      }
      if (list.some((s) => s.nearLimit) && status === 'pass') status = 'warn'
    }
    if (probes.rateLimited) status = 'fail'
    // Our counts include earlier runs (the persisted budget): a 429 they explain is our own spending;
    // a 429 with headroom left by that count means another client of the same principal spends it.
    const all = [...byPrincipal.values()].flat()
    const ownSpend = all.filter((s) => s.limit !== null && s.used >= s.limit)
    const othersSpend = probes.rateLimited && ownSpend.length === 0 && all.some((s) => s.limit !== null && s.used < s.limit)
    const spentByUs = ownSpend.length ? ` after bb-integrate itself spent ${fmt(Math.max(...ownSpend.map((s) => s.used)))} requests in the window (earlier runs included)` : ''
    const head = probes.rateLimited
      ? `Budget exhausted: the server answered 429${spentByUs}${othersSpend ? ` although bb-integrate counted only ${fmt(Math.max(...all.map((s) => s.used)))} requests in the window (earlier runs included) — other clients of the same principal are spending it` : ''}. `
      : status === 'warn'
        ? 'Budget low. '
        : ''
    // Cloud sends X-RateLimit-* only to access tokens: for other credentials the numbers are our own count.
    const counted = deps.connection?.provider === 'cloud' && deps.credentials.some((c) => c.kind !== 'access-token')
      ? ' (counted by this process where Bitbucket Cloud does not report it, as for API tokens and OAuth)' : ''
    const detail = `${head}${parts.join('; ') || 'no requests recorded'}${counted}.${sharing} ${PRINCIPAL_NOTE}`
    const remedy = status === 'pass' ? null
      : 'Wait for the window to refill, lower `sync --concurrency`, or add a credential of another principal (`bb-integrate connect --add`); a second token of the same user does not help.'
    return [row(this.id, this.title, status, detail, remedy)]
  },
}

/** Oldest Data Center major the product is tested against. */
const MIN_DC_MAJOR = 8

export const dcVersionCheck: Check = {
  id: 'dc-version',
  title: 'Data Center version',
  async run(ctx) {
    const {deps, probes} = ctx
    if (deps.connection?.provider !== 'datacenter') return [row(this.id, this.title, 'skip', 'Bitbucket Cloud has no server version.')]
    const gate = await ctx.networkGate()
    if (gate) return [row(this.id, this.title, 'skip', gate)]
    const r = await probes.serverVersion()
    if (!r.ok) return [row(this.id, this.title, 'warn', `version not readable: ${r.error.message}`)]
    if (!r.value) return [row(this.id, this.title, 'warn', 'the server did not report a version.')]
    const major = Number(r.value.split('.')[0])
    if (Number.isFinite(major) && major < MIN_DC_MAJOR) {
      return [row(this.id, this.title, 'warn', `Bitbucket Data Center ${r.value} is older than ${MIN_DC_MAJOR}.0, the oldest version tested.`, 'Upgrade the server, or expect missing fields.')]
    }
    return [row(this.id, this.title, 'pass', `Bitbucket Data Center ${r.value}.`)]
  },
}

function duration(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000)
  return m >= 120 ? `${Math.round(m / 60)} h` : `${m} min`
}

export const oauthCheck: Check = {
  id: 'oauth',
  title: 'OAuth refresh viable',
  async run({deps}) {
    const oauth = deps.credentials.filter((c) => c.kind === 'oauth' && c.meta)
    if (oauth.length === 0) return [row(this.id, this.title, 'skip', 'No OAuth credential.')]
    return Promise.all(
      oauth.map(async (c): Promise<CheckResult> => {
        const id = `oauth:${credentialLabel(c)}`
        const title = `OAuth credential ${credentialLabel(c)} can refresh`
        let secret
        try {
          secret = c.meta && deps.readSecret ? await deps.readSecret(c.meta) : null
        } catch (err) {
          return row(id, title, 'fail', `secret not readable: ${err instanceof Error ? err.message : String(err)}`, 'See the keychain row.')
        }
        if (!secret || secret.kind !== 'oauth') return row(id, title, 'fail', 'no OAuth secret stored for this credential.', 'Run `bb-integrate connect --auth oauth` again.')
        const now = deps.now()
        const expiresAt = secret.expiresAt
        const expiry = expiresAt === null ? 'no recorded expiry' : expiresAt <= now ? `access token expired ${duration(now - expiresAt)} ago` : `access token valid for ${duration(expiresAt - now)}`
        if (!secret.refreshToken) {
          if (expiresAt !== null && expiresAt <= now) {
            return row(id, title, 'fail', `${expiry} and there is no refresh token.`, 'Run `bb-integrate connect --auth oauth` again.')
          }
          return row(id, title, 'warn', `${expiry}; no refresh token, so it cannot be renewed without a new login.`, 'Use a non-private OAuth consumer (3LO) to get refresh tokens.')
        }
        return row(id, title, 'pass', `${expiry}; refresh token present (refreshes rotate it; an unused one expires after 3 months).`)
      }),
    )
  },
}

export const keychainCheck: Check = {
  id: 'keychain',
  title: 'Keychain reachable',
  async run({deps}) {
    if (deps.usingEnvToken) return [row(this.id, this.title, 'skip', 'BB_INTEGRATE_TOKEN is used; stored secrets are not read.')]
    const inKeychain = deps.credentials.filter((c) => c.meta?.store === 'keychain')
    if (inKeychain.length === 0) return [row(this.id, this.title, 'skip', 'No secret of this connection is stored in the OS keychain.')]
    if (!deps.readSecret) return [row(this.id, this.title, 'skip', 'No secret reader available.')]
    const missing: string[] = []
    try {
      for (const c of inKeychain) if (c.meta && !(await deps.readSecret(c.meta))) missing.push(credentialLabel(c))
    } catch (err) {
      return [row(this.id, this.title, 'fail', `the OS keychain did not answer: ${err instanceof Error ? err.message : String(err)}`,
        'Unlock the keychain (Linux: a D-Bus session with gnome-keyring or another Secret Service). In CI use BB_INTEGRATE_TOKEN.')]
    }
    if (missing.length) {
      return [row(this.id, this.title, 'fail', `reachable, but no secret for credential ${missing.join(', ')}.`, 'Run `bb-integrate connect --add` to store it again.')]
    }
    return [row(this.id, this.title, 'pass', `reachable; ${plural(inKeychain.length, 'secret')} found.`)]
  },
}
