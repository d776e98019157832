import type {HttpClient} from '../http/types.js'
import type {ProviderKind} from '../model.js'
import {CloudProvider} from './cloud/provider.js'
import {DataCenterProvider} from './datacenter/provider.js'
import type {Provider} from './types.js'

export function createProvider({kind, connection, client}: {kind: ProviderKind; connection: string; client: HttpClient}): Provider {
  return kind === 'cloud' ? new CloudProvider(connection, client) : new DataCenterProvider(connection, client)
}

export type * from './types.js'
export {PR_STATES_ALL} from './types.js'
export {createWebhookApi} from './webhook-api.js'
export type {ContainerHooks, WebhookApi, WebhookFailure, WebhookTestResult} from './webhook-api.js'
