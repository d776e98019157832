/**
 * Registered webhooks of one emulator, written by the flavours' hook CRUD routes and read by delivery.
 * Flavour-neutral: a hook watches one repository or a whole container (Cloud workspace, DC project).
 */
export interface Hook {
  /** Cloud: "{uuid}"; DC: numeric id as a string. */
  id: string
  scope: {type: 'repository' | 'container'; key: string}
  url: string
  description: string
  events: string[]
  active: boolean
  /** null = deliveries are not signed. */
  secret: string | null
  createdAt: string
  /** Flavour-specific fields kept verbatim (DC configuration, credentials, …). */
  extra: Record<string, unknown>
}

export class HookRegistry {
  private readonly hooks = new Map<string, Hook>()

  add(hook: Hook): Hook {
    this.hooks.set(hook.id, hook)
    return hook
  }

  get(id: string): Hook | undefined {
    return this.hooks.get(id)
  }

  remove(id: string): boolean {
    return this.hooks.delete(id)
  }

  list(scope?: Hook['scope']): Hook[] {
    const all = [...this.hooks.values()]
    return scope ? all.filter((h) => h.scope.type === scope.type && h.scope.key === scope.key) : all
  }

  /** Active hooks subscribed to `eventKey` for a repository "container/slug". */
  matching(repoKey: string, eventKey: string): Hook[] {
    const container = repoKey.split('/')[0]
    return [...this.hooks.values()].filter((h) => h.active && h.events.includes(eventKey) && (
      (h.scope.type === 'repository' && h.scope.key === repoKey) || (h.scope.type === 'container' && h.scope.key === container)))
  }
}

/** `state.scratch` key of the emulator's delivery log (the dispatcher's `Delivery[]`), read by hook routes. */
export const DELIVERY_LOG = 'webhooks.deliveries'
