/**
 * `webhooks test`: for each hook of ours, a delivery to its URL. Data Center sends it itself
 * (`POST …/webhooks/test?url=…&webhookId=…`, a `diagnostics:ping` signed with the hook's secret), which
 * also proves the server can reach the receiver. Bitbucket Cloud has no test endpoint: the hook's presence
 * is checked on the server, then this machine posts a signed sample `repo:updated` delivery for a
 * repository the hook covers to the hook's URL — proving the URL, the receiver and the secret, but not
 * that Bitbucket's network can reach it.
 */
import {createHmac, randomUUID} from 'node:crypto'

import {UsageError} from '../errors.js'
import type {Webhook, WebhookScope} from '../provider/types.js'
import {
  byContainer, containerHooksOf, containerScope, errorReason, isOurs, listAll, targetRepos, type WebhookContext,
} from './context.js'
import {readWebhookSecret} from './secret.js'

export interface TestRow {
  target: string
  scope: WebhookScope
  id: string | null
  url: string | null
  /** server: Bitbucket sent the delivery; local: this machine sent a signed sample (Cloud). */
  via: 'server' | 'local' | null
  ok: boolean
  status: number | null
  detail: string
}

export interface TestResult {
  rows: TestRow[]
}

const TIMEOUT_MS = 10_000

export async function testWebhooks(ctx: WebhookContext, options: {repos?: string[]; id?: string} = {}): Promise<TestResult> {
  const {connection, api} = ctx
  const repos = await targetRepos(ctx, options.repos)
  const containerHooks = containerHooksOf(ctx)
  const rows: TestRow[] = []
  let secret: string | null | undefined
  for (const [container, members] of byContainer(repos)) {
    const targets: Array<{scope: WebhookScope; target: string}> = []
    if ((await containerHooks(container)).available) targets.push({scope: containerScope(api.kind), target: container})
    targets.push(...members.map((r) => ({scope: 'repo' as const, target: r})))
    for (const {scope, target} of targets) {
      try {
        const ours = (await listAll(ctx, scope, target)).filter((h) => isOurs(h, connection.name) && (!options.id || h.id === options.id))
        for (const hook of ours) {
          const served = await api.test(hook, ctx.signal)
          if (served) {
            rows.push({target, scope, id: hook.id, url: hook.url, via: 'server', ...served})
            continue
          }
          secret ??= await readWebhookSecret(ctx.secretStore, connection.name)
          rows.push({target, scope, id: hook.id, url: hook.url, via: 'local', ...await sampleDelivery(hook, scope === 'repo' ? target : members[0]!, secret)})
        }
      } catch (error) {
        rows.push({target, scope, id: null, url: null, via: null, ok: false, status: null, detail: errorReason(error)})
      }
    }
  }
  if (rows.length === 0) {
    throw new UsageError(options.id ? `No webhook ${options.id} of ours on the selected repositories` : 'No webhook of ours on the selected repositories', {
      code: 'no_webhook', remedy: 'Create them with `bb-integrate webhooks ensure --url URL`.',
    })
  }
  return {rows}
}

/** A `repo:updated` delivery shaped like Bitbucket Cloud's, signed with the connection's secret. */
async function sampleDelivery(hook: Webhook, repo: string, secret: string | null): Promise<Pick<TestRow, 'ok' | 'status' | 'detail'>> {
  if (!secret) return {ok: false, status: null, detail: 'no webhook secret in the secret store: run `bb-integrate webhooks ensure --rotate-secret`'}
  const [workspace, slug] = repo.split('/') as [string, string]
  const body = JSON.stringify({
    actor: null,
    repository: {type: 'repository', full_name: repo, name: slug, workspace: {type: 'workspace', slug: workspace}},
    changes: {},
  })
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'bb-integrate webhooks test',
    'X-Event-Key': 'repo:updated',
    'X-Hook-UUID': hook.id.replace(/[{}]/g, ''),
    'X-Request-UUID': randomUUID(),
    'X-Attempt-Number': '1',
    'X-Hub-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  }
  try {
    const res = await fetch(hook.url, {method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS)})
    await res.body?.cancel()
    const ok = res.status >= 200 && res.status < 300
    return {ok, status: res.status, detail: `sent a signed sample repo:updated from this machine; the receiver answered HTTP ${res.status}`}
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
    return {ok: false, status: null, detail: `could not reach ${hook.url} from this machine: ${cause}`}
  }
}
