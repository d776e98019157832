import type {CredentialKind} from '../config/schema.js'
import type {ProviderKind} from '../model.js'

/** The least a credential needs, for read-only sync and additionally for managing webhooks. */
export interface ScopeAdvice {
  kind: CredentialKind
  provider: ProviderKind
  /** How these names are called where the user creates the credential. */
  where: string
  sync: string[]
  webhooks: string[]
}

/**
 * From the Cloud spec's per-operation scopes (research §2.5, §2.6): API-token scopes imply nothing
 * (write does not imply read), classic scopes do (`pullrequest` implies `repository`). Data Center uses
 * permissions on the token / OAuth scopes.
 */
export function scopeAdvice(provider: ProviderKind, kind: CredentialKind): ScopeAdvice {
  if (provider === 'cloud' && kind === 'api-token') {
    return {
      kind,
      provider,
      where: 'Atlassian account → Security → API tokens → "Create API token with scopes" (app: Bitbucket)',
      sync: ['read:user:bitbucket', 'read:workspace:bitbucket', 'read:repository:bitbucket', 'read:pullrequest:bitbucket'],
      webhooks: ['read:webhook:bitbucket', 'write:webhook:bitbucket', 'delete:webhook:bitbucket'],
    }
  }
  if (provider === 'cloud') {
    return {
      kind,
      provider,
      where:
        kind === 'oauth'
          ? 'Workspace settings → OAuth consumers → permissions (callback URL http://127.0.0.1:8976/callback)'
          : 'Repository/Project/Workspace settings → Access tokens → scopes',
      // `account` lets an OAuth consumer read /user and /user/workspaces; access tokens have no user.
      sync: kind === 'oauth' ? ['account', 'pullrequest'] : ['pullrequest'],
      webhooks: ['webhook'],
    }
  }
  return {
    kind,
    provider,
    where: kind === 'oauth' ? 'OAuth scopes requested at login (--oauth-scope)' : 'Profile → HTTP access tokens → permissions',
    sync: ['REPO_READ'],
    // Repository hooks need admin on the repository; project hooks need PROJECT_ADMIN.
    webhooks: ['REPO_ADMIN'],
  }
}

export function formatScopeAdvice(advice: ScopeAdvice): string[] {
  return [
    `Least privilege for this ${advice.kind} (${advice.where}):`,
    `  read-only sync: ${advice.sync.join(' ')}`,
    `  + webhooks:     ${advice.webhooks.join(' ')}`,
  ]
}
