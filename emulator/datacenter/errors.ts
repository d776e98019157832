/**
 * Data Center error bodies. DC always answers errors with `{"errors":[{context, message, exceptionName}]}`
 * (RestErrors); clients match on `exceptionName`, so the names below are the real Java class names.
 */
import type {EmuResponse} from '../server/types.js'

export const AUTH_FAILED_MESSAGE = 'Authentication failed. Please check your credentials and try again.'
export const INCORRECT_PASSWORD = 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException'
export const AUTHORISATION = 'com.atlassian.bitbucket.AuthorisationException'
export const NO_SUCH_PROJECT = 'com.atlassian.bitbucket.project.NoSuchProjectException'
export const NO_SUCH_REPOSITORY = 'com.atlassian.bitbucket.repository.NoSuchRepositoryException'
export const NO_SUCH_PULL_REQUEST = 'com.atlassian.bitbucket.pull.NoSuchPullRequestException'
export const NO_SUCH_COMMIT = 'com.atlassian.bitbucket.commit.NoSuchCommitException'
export const NO_SUCH_USER = 'com.atlassian.bitbucket.user.NoSuchUserException'
export const NO_SUCH_WEBHOOK = 'com.atlassian.webhooks.NoSuchWebhookException'
export const VALIDATION = 'com.atlassian.bitbucket.validation.ArgumentValidationException'
export const RATE_LIMITED = 'com.atlassian.bitbucket.throttle.ResourceBusyException'

export function dcError(status: number, message: string, exceptionName: string | null, headers?: Record<string, string>): EmuResponse {
  return {status, headers, body: {errors: [{context: null, message, exceptionName}]}}
}

export function authFailed(): EmuResponse {
  return dcError(401, AUTH_FAILED_MESSAGE, INCORRECT_PASSWORD)
}

export function notFound(message: string, exceptionName: string): EmuResponse {
  return dcError(404, message, exceptionName)
}

export function badRequest(message: string): EmuResponse {
  return dcError(400, message, VALIDATION)
}
