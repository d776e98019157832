import type {OpenedConnection} from '../connection.js'

/**
 * The repositories a connection syncs, as `sync` picks them: the saved selection, else the repository
 * a repository access token was made for, else every repository the credential can see.
 */
export async function listTargets(opened: Pick<OpenedConnection, 'connection' | 'provider'>, signal?: AbortSignal, explicit: string[] = []): Promise<string[]> {
  const {connection} = opened
  const chosen = explicit.length > 0
    ? explicit
    : connection.selection.length > 0
      ? connection.selection
      : connection.credentials.flatMap((c) => (c.target?.includes('/') ? [c.target] : []))
  if (chosen.length > 0) return [...new Set(chosen)].sort()
  const keys: string[] = []
  for await (const page of opened.provider.repositories({}, signal)) {
    for (const r of page.items) keys.push(r.key)
  }
  return keys.sort()
}
