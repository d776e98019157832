import {z} from 'zod'

/**
 * The config file (conf, JSON) holds only non-secret metadata. Secrets live in a SecretStore under
 * the account name `${connection}/${credential.id}`.
 */
export const CredentialKindSchema = z.enum(['oauth', 'api-token', 'access-token', 'pat'])
export type CredentialKind = z.infer<typeof CredentialKindSchema>

export const SecretLocationSchema = z.enum(['keychain', 'file'])
export type SecretLocation = z.infer<typeof SecretLocationSchema>

export const CredentialMetaSchema = z.object({
  id: z.string(),
  kind: CredentialKindSchema,
  /** Where the secret lives. */
  store: SecretLocationSchema,
  /** Rate-limit budget key (see HttpCredential.principal). */
  principal: z.string(),
  /** Atlassian e-mail for Cloud API tokens (sent as the Basic user). */
  email: z.string().optional(),
  /** OAuth consumer key / DC client id (not secret). */
  clientId: z.string().optional(),
  /** Cloud access tokens: the workspace or workspace/repo the token belongs to (proves it without /user). */
  target: z.string().optional(),
  identity: z.object({
    id: z.string(),
    displayName: z.string().nullable(),
    accountId: z.string().nullable(),
  }),
  scopes: z.array(z.string()).nullable(),
  /** Access-token expiry (epoch ms) for OAuth; null when unknown or none. */
  expiresAt: z.number().nullable().default(null),
  createdAt: z.string(),
})
export type CredentialMeta = z.infer<typeof CredentialMetaSchema>

export const ConnectionSchema = z.object({
  name: z.string(),
  provider: z.enum(['cloud', 'datacenter']),
  /** API base: Cloud "https://api.bitbucket.org/2.0"; DC server base "https://bb.corp" (REST under /rest). */
  url: z.string().url(),
  /** Cloud site for OAuth ("https://bitbucket.org"); DC uses url. */
  oauthUrl: z.string().url().optional(),
  caFile: z.string().optional(),
  /** Override of the per-principal hourly budget (Cloud default 1000). */
  rateLimitPerHour: z.number().int().positive().optional(),
  credentials: z.array(CredentialMetaSchema).default([]),
  /** Repositories chosen with `repos select`; `sync` uses them by default. */
  selection: z.array(z.string()).default([]),
  /** What the last `webhooks ensure` set up (the secret itself lives in the secret store). */
  webhooks: z
    .object({
      url: z.string(),
      scope: z.enum(['auto', 'workspace', 'project', 'repo']),
      events: z.array(z.string()),
      /** Where the webhook secret lives (same kinds as credentials). */
      secretStore: SecretLocationSchema,
      ensuredAt: z.string(),
    })
    .optional(),
  createdAt: z.string(),
})
export type Connection = z.infer<typeof ConnectionSchema>

export const ConfigSchema = z.object({
  version: z.literal(1).default(1),
  defaultConnection: z.string().optional(),
  connections: z.record(z.string(), ConnectionSchema).default({}),
})
export type Config = z.infer<typeof ConfigSchema>

export const DEFAULT_CLOUD_API = 'https://api.bitbucket.org/2.0'
export const DEFAULT_CLOUD_SITE = 'https://bitbucket.org'
