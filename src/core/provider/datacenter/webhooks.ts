/** Data Center webhook endpoints (repository and project scopes) and request bodies. */
import {UsageError} from '../../errors.js'
import type {Webhook, WebhookInput, WebhookScope} from '../types.js'
import {seg, splitRepoKey} from '../keys.js'
import {API, repoPath} from './paths.js'

export function hooksPath(scope: WebhookScope, target: string): string {
  if (scope === 'project') return `${API}/projects/${seg(target)}/webhooks`
  if (scope === 'repo') {
    const {container, slug} = splitRepoKey(target)
    return `${repoPath(container, slug)}/webhooks`
  }
  throw new UsageError('Bitbucket Data Center has no workspace-level webhooks.', {
    code: 'unsupported_scope', remedy: 'Use --scope repo or --scope project.',
  })
}

/**
 * The secret lives in `configuration.secret`. Leaving `configuration` out of an update keeps what the
 * server stores; an empty secret removes it (an empty configuration alone would keep it).
 */
export function hookBody(input: WebhookInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: input.description, url: input.url, events: [...input.events], active: input.active,
  }
  if (input.secret !== undefined) body.configuration = {secret: input.secret ?? ''}
  return body
}

/** DC never echoes the secret: what was just sent is the best knowledge of it. */
export function withSentSecret(hook: Webhook, input: WebhookInput): Webhook {
  if (input.secret === undefined || !hook.secretUnknown) return hook
  const {secretUnknown: _unknown, ...known} = hook
  return {...known, hasSecret: Boolean(input.secret)}
}
