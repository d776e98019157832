import {MockAgent} from 'undici'
import type {MockInterceptor} from 'undici/types/mock-interceptor.js'
import {createHttpClient} from '../../../src/core/http/client.js'
import type {HttpClient, HttpClientOptions, HttpCredential, HttpEvent} from '../../../src/core/http/types.js'
import {FakeClock} from './fake-clock.js'

export const CLOUD = 'https://api.bitbucket.org'
export const CLOUD_BASE = `${CLOUD}/2.0`
export const JSON_HEADERS = {'content-type': 'application/json'}

export interface TestCredential extends HttpCredential {
  token: string
  refreshes: number
}

/** A bearer credential whose secret is easy to scan for. */
export function credential(id: string, principal: string, token = `tok-${id}-s3cr3t-value`, refresh?: () => string | null): TestCredential {
  const cred: TestCredential = {
    id,
    principal,
    token,
    refreshes: 0,
    authorization: async () => `Bearer ${cred.token}`,
    secrets: () => [cred.token],
  }
  if (refresh) {
    cred.refresh = async () => {
      cred.refreshes++
      const next = refresh()
      if (next === null) return false
      cred.token = next
      return true
    }
  }
  return cred
}

export interface Harness {
  client: HttpClient
  agent: MockAgent
  clock: FakeClock
  events: HttpEvent[]
  /** Every request that reached the mock, in order. */
  calls(): Array<{method: string; path: string; authorization: string | undefined}>
  pool: ReturnType<MockAgent['get']>
  close(): Promise<void>
}

export function harness(overrides: Partial<HttpClientOptions> = {}, origin = CLOUD): Harness {
  const agent = new MockAgent({enableCallHistory: true})
  agent.disableNetConnect()
  const clock = new FakeClock()
  const events: HttpEvent[] = []
  let closed = false
  const client = createHttpClient({
    baseUrl: CLOUD_BASE,
    provider: 'cloud',
    credentials: [credential('default/1', 'cloud-user:{u1}')],
    dispatcher: agent,
    clock,
    random: () => 0.5,
    onEvent: (e) => events.push(e),
    ...overrides,
  })
  return {
    client,
    agent,
    clock,
    events,
    pool: agent.get(origin),
    calls: () =>
      (agent.getCallHistory()?.calls() ?? []).map((log) => {
        const auth = log.headers?.authorization
        return {method: log.method, path: log.path, authorization: Array.isArray(auth) ? auth[0] : auth}
      }),
    close: async () => {
      if (closed) return
      closed = true
      await client.close()
      await agent.close()
    },
  }
}

/** Replies for a path, in order; the last one repeats. Lets a test script a server's behaviour. */
export function script(
  pool: Harness['pool'],
  path: string,
  replies: Array<{status: number; body?: unknown; headers?: Record<string, string>}>,
  method = 'GET',
): void {
  let n = 0
  pool
    .intercept({path: (p: string) => p.split('?')[0] === path, method})
    .reply((): ReturnType<MockInterceptor.MockReplyOptionsCallback> => {
      const r = replies[Math.min(n++, replies.length - 1)]!
      const data = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
      return {statusCode: r.status, data, responseOptions: {headers: {...JSON_HEADERS, ...r.headers}}}
    })
    .persist()
}

export function eventsOf<T extends HttpEvent['type']>(events: HttpEvent[], type: T): Array<Extract<HttpEvent, {type: T}>> {
  return events.filter((e): e is Extract<HttpEvent, {type: T}> => e.type === type)
}

/** Everything a user or log could see from an error: message, remedy, details, body and the cause chain. */
export function visibleText(err: unknown): string {
  const parts: string[] = []
  let current: unknown = err
  for (let i = 0; i < 6 && current; i++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '', JSON.stringify(current))
      const extra = current as unknown as Record<string, unknown>
      for (const key of ['remedy', 'details', 'body']) if (extra[key] !== undefined) parts.push(JSON.stringify(extra[key]))
      current = (current as {cause?: unknown}).cause
    } else {
      parts.push(String(current))
      break
    }
  }
  return parts.join('\n')
}
