import type {Identity} from '../../provider/types.js'
import {plural, row, type Check, type CheckContext} from '../check.js'
import type {DescribedError} from '../describe.js'
import type {Outcome} from '../probes.js'
import {missingScopes, requiredScopes} from '../scopes.js'
import type {CheckResult, ValidateCredential} from '../types.js'

/** The ids the user sees: the connection-local credential id ("1"), or "env" for BB_INTEGRATE_TOKEN. */
export function credentialLabel(c: ValidateCredential): string {
  return c.meta?.id ?? (c.httpId.includes('/') ? c.httpId.slice(c.httpId.lastIndexOf('/') + 1) : c.httpId)
}

function unauthorizedRemedy(c: ValidateCredential, provider: 'cloud' | 'datacenter'): {detail: string; remedy: string} {
  const email = c.email ?? c.meta?.email ?? null
  if (c.kind === 'api-token' && provider === 'cloud') {
    if (email && !email.includes('@')) {
      return {
        detail: `rejected (401): "${email}" looks like a Bitbucket username, but API tokens are sent with the Atlassian account e-mail.`,
        remedy: c.meta
          ? 'Run `bb-integrate connect --add --auth api-token --email you@example.com --token-stdin` with your Atlassian e-mail, then remove the old credential.'
          : 'Set BB_INTEGRATE_EMAIL to your Atlassian account e-mail (not the Bitbucket username).',
      }
    }
    return {
      detail: `rejected (401) for ${email ?? 'an unknown e-mail'}: the token is wrong, expired or revoked.`,
      remedy: 'Create an API token with scopes (Atlassian account → Security → API tokens, app Bitbucket; max. 1 year) and run `bb-integrate connect --add`. App passwords stopped working on 2026-07-28.',
    }
  }
  switch (c.kind) {
    case 'oauth':
      return {detail: 'rejected (401) even after a refresh: the grant was revoked or the refresh token expired.', remedy: 'Run `bb-integrate connect --auth oauth` again.'}
    case 'access-token':
      return {detail: 'rejected (401): the access token was revoked or expired.', remedy: 'Create a new access token and run `bb-integrate connect --add --auth access-token`.'}
    case 'pat':
      return {detail: 'rejected (401): the HTTP access token was revoked or expired.', remedy: 'Create a new one (Profile → HTTP access tokens) and run `bb-integrate connect --add --auth pat`.'}
    default:
      return {detail: 'rejected (401).', remedy: 'Run `bb-integrate connect --add` with a valid credential.'}
  }
}

function who(identity: Identity): string {
  const name = identity.displayName ?? identity.nickname ?? identity.accountId ?? identity.id
  return identity.kind === 'user' ? `${name} (${identity.id})` : `${identity.kind} ${name}`
}

function errorRow(id: string, title: string, c: ValidateCredential, e: DescribedError, provider: 'cloud' | 'datacenter'): CheckResult {
  switch (e.kind) {
    case 'unauthorized': {
      const r = unauthorizedRemedy(c, provider)
      return row(id, title, 'fail', r.detail, r.remedy)
    }
    case 'forbidden':
      return row(id, title, 'warn', `authenticated, but the identity is not readable (403${e.required.length ? `, needs ${e.required.join(', ')}` : ''}).`, 'See the scopes row.')
    case 'rateLimited':
      return row(id, title, 'warn', 'not verified: the server answered 429 (rate limit).', 'See the rate-limit row.')
    default:
      return row(id, title, 'fail', `not verified: ${e.message}`, null)
  }
}

export const credentialsCheck: Check = {
  id: 'credential',
  title: 'Credential valid',
  async run(ctx) {
    const {deps, probes} = ctx
    const gate = await ctx.networkGate()
    if (deps.credentials.length === 0) return [row('credential', this.title, 'skip', gate ?? 'No credential configured.')]
    return Promise.all(
      deps.credentials.map(async (c): Promise<CheckResult> => {
        const id = `credential:${credentialLabel(c)}`
        const title = `Credential ${credentialLabel(c)} (${c.kind}) valid`
        if (c.unavailable) return row(id, title, 'fail', `not usable: ${c.unavailable}.`, 'Run `bb-integrate connect --add` to store it again, or remove it.')
        if (gate) return row(id, title, 'skip', gate)
        const r = await probes.identity(c.httpId)
        if (r.ok) return row(id, title, 'pass', `valid: ${who(r.value)}; rate-limit budget of ${c.principal}.`)
        return errorRow(id, title, c, r.error, deps.connection?.provider ?? 'cloud')
      }),
    )
  },
}

export const identityCheck: Check = {
  id: 'identity',
  title: 'Identity',
  async run(ctx) {
    const {deps, probes} = ctx
    const gate = await ctx.networkGate()
    if (gate) return [row(this.id, this.title, 'skip', gate)]
    const results = await Promise.all(deps.credentials.filter((c) => !c.unavailable).map(async (c) => ({c, r: await probes.identity(c.httpId)})))
    const ok = results.filter((x): x is {c: ValidateCredential; r: Extract<Outcome<Identity>, {ok: true}>} => x.r.ok)
    if (ok.length === 0) return [row(this.id, this.title, 'skip', 'No credential could be verified (see the credential rows).')]
    // A stored credential that now answers as someone else was replaced behind our back.
    const changed = ok.filter(({c, r}) => c.meta && c.meta.identity.id !== r.value.id)
    if (changed.length > 0) {
      const list = changed.map(({c, r}) => `${credentialLabel(c)} was recorded as ${c.meta?.identity.id} but is now ${who(r.value)}`).join('; ')
      return [row(this.id, this.title, 'warn', list, 'Run `bb-integrate connect --add` to record the credential again if the change is intended.')]
    }
    const people = [...new Set(ok.map(({r}) => who(r.value)))]
    const principals = [...new Set(deps.credentials.map((c) => c.principal))]
    return [
      row(this.id, this.title, 'pass',
        `${people.join(', ')}; ${plural(principals.length, 'rate-limit principal')} (${principals.join(', ')}).`),
    ]
  },
}

async function probeScopes(ctx: CheckContext): Promise<DescribedError[]> {
  // Probing is what the sync will do: read a selected repo and its pull requests (or list repos).
  const {deps, probes} = ctx
  const first = deps.connection?.selection[0]
  if (first) await Promise.all([probes.repository(first), probes.pullRequests(first)])
  else await probes.firstRepos()
  return probes.failures.filter((f) => f.kind === 'forbidden')
}

export const scopesCheck: Check = {
  id: 'scopes',
  title: 'Scopes sufficient',
  async run(ctx) {
    const {deps, probes} = ctx
    const gate = await ctx.networkGate()
    const provider = deps.connection?.provider ?? 'cloud'
    const usable = deps.credentials.filter((c) => !c.unavailable)
    if (usable.length === 0 || gate) return [row('scopes', this.title, 'skip', gate ?? 'No usable credential.')]
    const webhookNote = deps.features.webhooks ? '' : ' Webhook permissions not required: webhooks are not configured.'
    return Promise.all(
      usable.map(async (c): Promise<CheckResult> => {
        const id = `scopes:${credentialLabel(c)}`
        const title = `Scopes of credential ${credentialLabel(c)} sufficient`
        const {advice, required} = requiredScopes(provider, c.kind, deps.features)
        const idr = await probes.identity(c.httpId)
        if (!idr.ok && idr.error.kind === 'unauthorized') return row(id, title, 'skip', 'Credential rejected (see its row).')
        const granted = (idr.ok ? idr.value.scopes : null) ?? c.meta?.scopes ?? null
        if (granted) {
          const missing = missingScopes(provider, c.kind, granted, required)
          if (missing.length === 0) return row(id, title, 'pass', `has ${required.join(', ')} (read-only sync).${webhookNote}`)
          return row(id, title, 'fail', `missing ${missing.join(', ')} (granted: ${granted.join(', ') || 'none'}).${webhookNote}`,
            `Grant ${missing.join(', ')} — ${advice.where}.`)
        }
        // Not discoverable for this credential kind: ask the endpoints, and read 403 `detail.required`.
        const forbidden = [...(idr.ok ? [] : [idr.error]), ...(await probeScopes(ctx))].filter((e) => e.kind === 'forbidden')
        if (forbidden.length === 0 && probes.rateLimited) {
          return row(id, title, 'warn', `not determined: scopes are not reported for this credential and the probes were rate-limited (429).${webhookNote}`, 'See the rate-limit row.')
        }
        if (forbidden.length === 0) {
          return row(id, title, 'pass', `scopes are not reported for this credential; probing identity, repository and pull request reads succeeded.${webhookNote}`)
        }
        const named = [...new Set(forbidden.flatMap((e) => e.required))]
        return row(id, title, 'fail',
          named.length ? `missing ${named.join(', ')} (403 from the API).${webhookNote}` : `the API refused a read (403): ${forbidden[0]?.message}.${webhookNote}`,
          `Grant ${named.length ? named.join(', ') : required.join(', ')} — ${advice.where}.`)
      }),
    )
  },
}
