import {AuthError, BudgetExhaustedError, HttpError, NetworkError} from '../errors.js'
import {readErrorBody} from '../http/error-body.js'

export type ErrorKind = 'unauthorized' | 'forbidden' | 'notFound' | 'rateLimited' | 'network' | 'timeout' | 'other'

/** What validate needs to know about a failed request, whatever layer threw it. */
export interface DescribedError {
  kind: ErrorKind
  status: number | null
  /** Cloud 403 `detail.required`: the scopes the endpoint needs. */
  required: string[]
  granted: string[] | null
  message: string
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null
}

export function describeError(err: unknown): DescribedError {
  const message = err instanceof Error ? err.message : String(err)
  const e = record(err) ?? {}
  const details = record(e.details) ?? {}
  const status =
    err instanceof HttpError ? err.status : typeof details.status === 'number' ? details.status : typeof e.status === 'number' ? e.status : null
  const body = readErrorBody(err instanceof HttpError ? err.body : details.body)
  // `missing` (required minus granted) names exactly what to add; fall back to everything required.
  const required = strings(details.missing) ?? strings(details.required) ?? body.required ?? []
  const granted = strings(details.granted) ?? body.granted
  const base = {status, required, granted, message}

  if (err instanceof BudgetExhaustedError || status === 429) return {...base, kind: 'rateLimited'}
  if (status === 401) return {...base, kind: 'unauthorized'}
  if (status === 403 || required.length > 0) return {...base, kind: 'forbidden'}
  if (status === 404) return {...base, kind: 'notFound'}
  if (err instanceof AuthError) return {...base, kind: 'unauthorized'}
  if ((err as {name?: string})?.name === 'TimeoutError' || /timed out|timeout/i.test(message)) return {...base, kind: 'timeout'}
  if (err instanceof NetworkError) return {...base, kind: 'network'}
  return {...base, kind: 'other'}
}
