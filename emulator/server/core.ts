/**
 * One emulator instance minus the socket: world, flavour, state, faults, stats and webhook delivery.
 * The HTTP pipeline (pipeline.ts) and the admin API (admin.ts) both work on it.
 */
import type {DeliveryOptions} from './webhooks.js'
import {DELIVERY_LOG} from './hooks.js'
import {WebhookDispatcher} from './webhooks.js'
import {FaultInjector} from './faults.js'
import {GitRepos} from './git-repos.js'
import {Router} from './router.js'
import {createServerState} from './state.js'
import type {MutableServerState} from './state.js'
import {Stats} from './stats.js'
import type {FlavorModule, RateLimitConfig} from './types.js'
import type {MutationResult, World} from '../world/types.js'

export interface CoreOptions {
  rateLimit?: RateLimitConfig | null
  accessTokenTtlSec?: number
  latencyMs?: number
  webhooks?: DeliveryOptions
  now?: () => number
}

export class EmulatorCore {
  readonly state: MutableServerState
  readonly router: Router
  readonly faults = new FaultInjector()
  readonly stats = new Stats()
  /** Real bare repositories for the git endpoints, built on first use. */
  readonly git = new GitRepos()
  readonly webhooks: WebhookDispatcher
  latencyMs: number
  /** While true the server drops every non-admin connection without answering. */
  down = false

  constructor(readonly world: World, readonly flavor: FlavorModule, options: CoreOptions = {}) {
    this.state = createServerState(flavor.flavor, options)
    this.router = new Router(flavor.routes)
    this.latencyMs = options.latencyMs ?? 0
    this.webhooks = new WebhookDispatcher(options.webhooks, () => {
      this.stats.webhookDeliveries += 1
    })
    // Read by Data Center's `…/webhooks/{id}/latest` (the delivery log).
    this.state.scratch.set(DELIVERY_LOG, this.webhooks.deliveries)
  }

  /** Deliver the webhooks a mutation raises; returns the delivery ids. */
  emit(result: MutationResult): number[] {
    const ids: number[] = []
    for (const event of result.events) {
      const rendered = this.flavor.webhookPayload(event, this.world, this.state)
      if (!rendered) continue
      for (const hook of this.state.hooks.matching(event.repo, rendered.eventKey)) {
        ids.push(this.webhooks.deliver(hook, rendered.eventKey, rendered.payload, rendered.headers, this.flavor.flavor).id)
      }
    }
    return ids
  }
}
