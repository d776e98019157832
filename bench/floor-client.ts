/**
 * The emulator's own floor for a listing: a client that asks for exactly bb-integrate's pages (same
 * paths, page sizes and `fields=`), follows `next` links and only parses the JSON — no mapping, no
 * store, no events. The gap between it and the latency bound is the server's share of every round
 * trip; the gap between it and `sync` is the client's.
 */
import {request} from 'undici'

import {BRANCH_FIELDS, COMMIT_FIELDS, PR_FIELDS} from '../src/core/provider/cloud/fields.js'
import {CLOUD_PAGELEN} from '../src/core/provider/cloud/provider.js'

export interface FloorResult {
  requests: number
  durationMs: number
}

export async function runFloorClient(o: {apiBase: string; email: string; token: string; repos: string[]; concurrency: number}): Promise<FloorResult> {
  const authorization = `Basic ${Buffer.from(`${o.email}:${o.token}`).toString('base64')}`
  let requests = 0
  const get = async (url: string): Promise<{next?: string}> => {
    requests++
    const res = await request(url, {headers: {authorization}})
    if (res.statusCode !== 200) throw new Error(`floor client: ${res.statusCode} for ${url}`)
    return (await res.body.json()) as {next?: string}
  }
  const all = async (url: string) => {
    for (let page = await get(url); page.next; page = await get(page.next));
  }
  const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))
  const started = Date.now()
  let next = 0
  await Promise.all(Array.from({length: o.concurrency}, async () => {
    while (next < o.repos.length) {
      const base = `${o.apiBase}/repositories/${o.repos[next++]!}`
      const states = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'].map((s) => `state=${s}`).join('&')
      await all(`${base}/pullrequests?${states}&${q({pagelen: CLOUD_PAGELEN.pullRequests, sort: '-updated_on', fields: PR_FIELDS})}`)
      await all(`${base}/refs/branches?${q({pagelen: CLOUD_PAGELEN.default, fields: BRANCH_FIELDS})}`)
      await all(`${base}/commits?${q({pagelen: CLOUD_PAGELEN.default, fields: COMMIT_FIELDS})}`)
    }
  }))
  return {requests, durationMs: Date.now() - started}
}
