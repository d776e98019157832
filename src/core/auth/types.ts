/**
 * Where secrets live. The OS keychain by default (@napi-rs/keyring), a 0600 file only when the user
 * opted in with --allow-insecure-store, memory in tests. Every call to the keychain has a timeout.
 * Account names are `${connection}/${credentialId}`; the value is a JSON string (StoredSecret).
 */
export interface SecretStore {
  readonly location: 'keychain' | 'file' | 'memory'
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  delete(account: string): Promise<boolean>
}

export type StoredSecret =
  | {kind: 'api-token'; token: string}
  | {kind: 'access-token'; token: string}
  | {kind: 'pat'; token: string}
  | {
      kind: 'oauth'
      accessToken: string
      refreshToken: string | null
      /** epoch ms */
      expiresAt: number | null
      clientSecret: string
    }
