/** Cloud webhook endpoints (repository and workspace scopes) and request bodies. */
import {UsageError} from '../../errors.js'
import type {WebhookInput, WebhookScope} from '../types.js'
import {seg, splitRepoKey} from '../keys.js'

export function hooksPath(scope: WebhookScope, target: string): string {
  if (scope === 'workspace') return `/workspaces/${seg(target)}/hooks`
  if (scope === 'repo') {
    const {container, slug} = splitRepoKey(target)
    return `/repositories/${seg(container)}/${seg(slug)}/hooks`
  }
  throw new UsageError('Bitbucket Cloud has no project-level webhooks.', {
    code: 'unsupported_scope', remedy: 'Use --scope repo or --scope workspace.',
  })
}

/** `secret` is write-only: omitted keeps the stored one, null removes it (Cloud webhook_subscription). */
export function hookBody(input: WebhookInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    url: input.url, description: input.description, events: [...input.events], active: input.active,
  }
  if (input.secret !== undefined) body.secret = input.secret
  return body
}
