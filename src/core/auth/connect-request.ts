import type {CredentialKind} from '../config/schema.js'
import type {ProviderKind} from '../model.js'

/** What `connect` was asked to do, before anything is verified or stored. */
export interface ConnectRequest {
  name: string
  provider: ProviderKind
  /** Cloud API base or Data Center server base. */
  url: string
  oauthUrl?: string
  caFile?: string
  auth: CredentialKind
  email?: string
  token?: string
  clientId?: string
  clientSecret?: string
  callbackPort?: number
  /** Data Center OAuth scopes (Cloud fixes scopes on the consumer). */
  oauthScopes?: string[]
  oauthTimeoutMs?: number
  /** Add another credential to an existing connection (rotation) instead of replacing its credentials. */
  add: boolean
  /** Keep the secret in a 0600 file instead of the OS keychain. */
  allowInsecureStore: boolean
  /**
   * Cloud access tokens: the workspace ("acme") or repository ("acme/api") the token belongs to.
   * Repository and project tokens cannot have the `account` scope that `/user` needs; reading this
   * target instead proves the token works.
   */
  target?: string
}
