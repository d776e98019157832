/**
 * An HttpClient double for provider unit tests: answers from a routing function and records every
 * request (path or absolute URL, query, method, body) so tests can assert what went on the wire.
 */
import type {HttpClient, HttpResponse, HttpStats, RateLimitState, RequestOptions} from '../../../src/core/http/types.js'

export interface Recorded {
  pathOrUrl: string
  options: RequestOptions
}

export type Responder = (pathOrUrl: string, options: RequestOptions) => {status?: number; body: unknown; headers?: Record<string, string>}

export class FakeClient implements HttpClient {
  readonly calls: Recorded[] = []
  constructor(private readonly respond: Responder, readonly baseUrl = 'https://api.example.test/2.0') {}

  async request<T>(pathOrUrl: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    this.calls.push({pathOrUrl, options})
    const r = this.respond(pathOrUrl, options)
    const status = r.status ?? 200
    if (status >= 400 && !(options.okStatuses ?? []).includes(status)) throw new Error(`HTTP ${status} for ${pathOrUrl}`)
    return {status, headers: r.headers ?? {}, body: r.body as T, credentialId: 'test/1'}
  }

  stats(): HttpStats {
    return {requests: this.calls.length, retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0}
  }

  rateLimits(): RateLimitState[] {
    return []
  }

  async close(): Promise<void> {}
}

export async function collect<T>(pages: AsyncIterable<{items: T[]; cursor: string | null}>): Promise<{items: T[]; cursors: Array<string | null>}> {
  const items: T[] = []
  const cursors: Array<string | null> = []
  for await (const page of pages) {
    items.push(...page.items)
    cursors.push(page.cursor)
  }
  return {items, cursors}
}
