import {scopeAdvice, type ScopeAdvice} from '../auth/scopes.js'
import type {CredentialKind} from '../config/schema.js'
import type {ProviderKind} from '../model.js'

/**
 * Which granted scopes cover a required one. API-token scopes imply nothing (write does not imply
 * read); classic Cloud scopes and DC permissions do (research §2.3, §2.5, §2.8).
 */
const CLOUD_CLASSIC_IMPLIED_BY: Record<string, string[]> = {
  repository: ['repository:write', 'repository:admin', 'pullrequest', 'pullrequest:write', 'project', 'project:admin'],
  'repository:write': ['pullrequest:write'],
  pullrequest: ['pullrequest:write'],
  account: ['account:write'],
  project: ['project:admin'],
}
const DC_IMPLIED_BY: Record<string, string[]> = {
  REPO_READ: ['REPO_WRITE', 'REPO_ADMIN', 'PROJECT_READ', 'PROJECT_WRITE', 'PROJECT_ADMIN', 'ADMIN', 'SYS_ADMIN'],
  REPO_WRITE: ['REPO_ADMIN', 'PROJECT_WRITE', 'PROJECT_ADMIN', 'ADMIN', 'SYS_ADMIN'],
  REPO_ADMIN: ['PROJECT_ADMIN', 'ADMIN', 'SYS_ADMIN'],
}

export function covers(provider: ProviderKind, kind: CredentialKind, granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true
  if (provider === 'cloud' && kind === 'api-token') return false
  const table = provider === 'cloud' ? CLOUD_CLASSIC_IMPLIED_BY : DC_IMPLIED_BY
  return (table[required] ?? []).some((s) => granted.includes(s))
}

export interface ScopeNeeds {
  advice: ScopeAdvice
  required: string[]
}

export function requiredScopes(provider: ProviderKind, kind: CredentialKind, features: {webhooks: boolean}): ScopeNeeds {
  const advice = scopeAdvice(provider, kind)
  return {advice, required: [...advice.sync, ...(features.webhooks ? advice.webhooks : [])]}
}

export function missingScopes(provider: ProviderKind, kind: CredentialKind, granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((r) => !covers(provider, kind, granted, r))
}
