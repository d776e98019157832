/** Cloud error bodies: `{"type":"error","error":{"message":…}}` (schema `error`). */
import type {EmuResponse} from '../server/types.js'

export function cloudError(status: number, message: string, extra: {detail?: unknown; data?: Record<string, unknown>} = {}, headers?: Record<string, string>): EmuResponse {
  const error: Record<string, unknown> = {message}
  if (extra.detail !== undefined) error.detail = extra.detail
  if (extra.data !== undefined) error.data = extra.data
  return {status, headers, body: {type: 'error', error}}
}

export const notFound = (message: string): EmuResponse => cloudError(404, message)
export const badRequest = (message: string, detail?: string): EmuResponse => cloudError(400, message, detail === undefined ? {} : {detail})

export const repoNotFound = (workspace: string, slug: string): EmuResponse => notFound(`Repository ${workspace}/${slug} not found`)
export const workspaceNotFound = (workspace: string): EmuResponse => notFound(`No workspace with identifier '${workspace}'.`)
