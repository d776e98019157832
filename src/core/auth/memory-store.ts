import type {SecretStore} from './types.js'

/** The in-memory twin of the keychain for tests; `failWith` simulates an unreachable store. */
export class MemoryStore implements SecretStore {
  readonly location = 'memory' as const
  readonly entries = new Map<string, string>()
  failWith: Error | null = null

  async get(account: string): Promise<string | null> {
    this.check()
    return this.entries.get(account) ?? null
  }

  async set(account: string, secret: string): Promise<void> {
    this.check()
    this.entries.set(account, secret)
  }

  async delete(account: string): Promise<boolean> {
    this.check()
    return this.entries.delete(account)
  }

  private check(): void {
    if (this.failWith) throw this.failWith
  }
}
