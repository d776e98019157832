import type {EntityMap, EntityName} from '../model.js'
import type {Store} from './types.js'

export type ExportFormat = 'ndjson' | 'csv'

/** CSV columns per entity: the canonical fields, in model order. */
export const CSV_COLUMNS: {[E in EntityName]: ReadonlyArray<keyof EntityMap[E] & string>} = {
  repository: ['provider', 'connection', 'key', 'name', 'project', 'isPrivate', 'defaultBranch', 'createdAt', 'updatedAt', 'url'],
  pullRequest: ['repo', 'id', 'title', 'state', 'author', 'sourceBranch', 'targetBranch', 'createdAt', 'updatedAt', 'closedAt', 'mergeCommit', 'commentCount'],
  review: ['repo', 'pullRequest', 'user', 'state', 'at'],
  commit: ['repo', 'hash', 'authorName', 'authorEmail', 'authorAccount', 'date', 'message', 'parents'],
  commitFile: ['repo', 'commit', 'path', 'oldPath', 'status', 'linesAdded', 'linesRemoved'],
  issueRef: ['repo', 'sourceType', 'sourceId', 'key'],
  user: ['provider', 'id', 'displayName', 'accountId', 'nickname'],
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double inner quotes. null → empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = Array.isArray(value) ? value.join(' ') : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvRow(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n'
}

/**
 * Stream entities as text chunks: NDJSON lines `{"entity":"commit",…fields}` or CSV (header + rows,
 * CRLF line ends, `parents` joined with spaces). Chunks are ~64 KiB so a consumer writing them to a
 * pipe gets few syscalls and real backpressure; nothing is held beyond one chunk.
 */
export async function* exportChunks(store: Store, entities: readonly EntityName[], format: ExportFormat, connection?: string, includeDeleted = false): AsyncIterable<string> {
  let buffer = ''
  for (const entity of entities) {
    const columns = [...CSV_COLUMNS[entity] as readonly string[], ...(includeDeleted && entity === 'repository' ? ['deletedAt'] : [])]
    if (format === 'csv') buffer += csvRow([...columns])
    for await (const item of store.export(entity, {connection, includeDeleted})) {
      const record = item as unknown as Record<string, unknown>
      buffer += format === 'csv' ? csvRow(columns.map((c) => record[c])) : JSON.stringify({entity, ...record}) + '\n'
      if (buffer.length >= 65_536) {
        yield buffer
        buffer = ''
      }
    }
  }
  if (buffer) yield buffer
}
