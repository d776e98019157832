/** Shared setup for the emulator server tests: a Cloud emulator on a tiny world and small HTTP helpers. */
import {startEmulator} from '../../emulator/index.js'
import type {EmulatorOptions, RunningEmulator} from '../../emulator/index.js'

export async function cloud(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 1, ...options})
}

export interface Reply {
  status: number
  headers: Headers
  text: string
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(url: string, init: RequestInit & {auth?: string | null} = {}): Promise<Reply> {
  const headers = new Headers(init.headers)
  if (init.auth) headers.set('Authorization', init.auth)
  const res = await fetch(url, {...init, headers, redirect: 'manual'})
  const text = await res.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  return {status: res.status, headers: res.headers, text, json}
}

/** A full-read API token for the first user, as its Authorization header. */
export function apiToken(emu: RunningEmulator, scopes?: string[]): string {
  return emu.admin.createToken({kind: 'api-token', scopes}).authorization as string
}

/** Follow `next` links to the end; returns every value and the number of requests. */
export async function collect(url: string, auth: string): Promise<{values: any[]; requests: number; pages: any[]}> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const values: unknown[] = []
  const pages: unknown[] = []
  let next: string | undefined = url
  let requests = 0
  while (next) {
    const reply = await call(next, {auth})
    requests += 1
    if (reply.status !== 200) throw new Error(`${next} → ${reply.status} ${reply.text}`)
    pages.push(reply.json)
    values.push(...reply.json.values)
    next = reply.json.next
  }
  return {values, requests, pages}
}

export function firstRepo(emu: RunningEmulator): {key: string; url: string} {
  const repo = emu.world.containers().flatMap((c) => emu.world.repos(c.key)).find((r) => r.defaultBranch !== null && emu.world.detail(`${r.container}/${r.slug}`).pullRequests.length > 0)
  if (!repo) throw new Error('tiny world has no repository with PRs')
  const key = `${repo.container}/${repo.slug}`
  return {key, url: `${emu.apiBase}/repositories/${key}`}
}
