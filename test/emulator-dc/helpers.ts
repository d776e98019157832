/** Start a DC emulator on the fixture world and make requests against it. */
import type {RunningEmulator, EmulatorOptions} from '../../emulator/index.js'
import {startEmulator} from '../../emulator/index.js'
import {createFixtureWorld} from './fixture-world.js'

export interface Reply {
  status: number
  headers: Headers
  /** Parsed JSON (tests assert on its shape) or the raw text. */
  body: Any
  text: string
}

/** A controllable clock so expiry and token-bucket refill need no waiting. */
export class Clock {
  constructor(public ms = Date.parse('2026-06-01T00:00:00.000Z')) {}
  readonly now = (): number => this.ms
  advance(ms: number): void {
    this.ms += ms
  }
}

export async function startDc(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({flavor: 'datacenter', world: createFixtureWorld(), rateLimit: null, ...options})
}

export async function call(emu: RunningEmulator, path: string, init: {method?: string; auth?: string | null; body?: unknown; headers?: Record<string, string>} = {}): Promise<Reply> {
  const headers: Record<string, string> = {Accept: 'application/json', ...init.headers}
  if (init.auth) headers.Authorization = init.auth
  let body: string | undefined
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
    headers['Content-Type'] ??= 'application/json'
  }
  const res = await fetch(`${emu.url}${path}`, {method: init.method ?? 'GET', headers, body, redirect: 'manual'})
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // HTML pages (OAuth consent) stay text.
  }
  return {status: res.status, headers: res.headers, body: parsed, text}
}

export const basic = (login: string, secret: string): string => `Basic ${Buffer.from(`${login}:${secret}`).toString('base64')}`
export const bearer = (token: string): string => `Bearer ${token}`

export const API = '/rest/api/latest'
export const ALPHA = `${API}/projects/PROJ/repos/alpha`

/** A PAT for `user` (fixture slug) with `scopes`; returns the ready Authorization header. */
export function pat(emu: RunningEmulator, user: string, scopes: string[], extra: {expiresInSec?: number} = {}): {auth: string; id: string} {
  const created = emu.admin.createToken({kind: 'pat', user, scopes, ...extra})
  return {auth: bearer(created.secret), id: created.id}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any
