import {z} from 'zod'

import {AuthError} from '../errors.js'
import type {StoredSecret} from './types.js'

/** Validates what we read back from a store: a keychain entry can be edited by hand or by another tool. */
const StoredSecretSchema = z.discriminatedUnion('kind', [
  z.object({kind: z.literal('api-token'), token: z.string().min(1)}),
  z.object({kind: z.literal('access-token'), token: z.string().min(1)}),
  z.object({kind: z.literal('pat'), token: z.string().min(1)}),
  z.object({
    kind: z.literal('oauth'),
    accessToken: z.string().min(1),
    refreshToken: z.string().nullable(),
    expiresAt: z.number().nullable(),
    clientSecret: z.string(),
  }),
])

/** Secrets live under `${connection}/${credentialId}` in whichever store holds them. */
export function secretAccount(connection: string, credentialId: string): string {
  return `${connection}/${credentialId}`
}

export function serializeSecret(secret: StoredSecret): string {
  return JSON.stringify(secret)
}

export function parseSecret(raw: string, account: string): StoredSecret {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    json = undefined
  }
  const parsed = StoredSecretSchema.safeParse(json)
  // Never echo the raw value: it is a secret, even when malformed.
  if (!parsed.success) {
    throw new AuthError(`The stored secret for ${account} is unreadable`, {
      code: 'secret_corrupt',
      remedy: 'Run `bb-integrate connect` again to store a fresh credential.',
    })
  }
  return parsed.data
}

/** Every string in a secret that could leak: redacted from errors and logs. */
export function secretValues(secret: StoredSecret): string[] {
  switch (secret.kind) {
    case 'oauth':
      return [secret.accessToken, secret.refreshToken, secret.clientSecret].filter((s): s is string => Boolean(s))
    default:
      return [secret.token]
  }
}
