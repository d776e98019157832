/**
 * The error hierarchy every layer throws and one handler maps to exit codes.
 * 0 ok · 1 failure · 2 bad usage/input · 3 auth · 4 interrupted (resumable) · 5 rate-limit/--max-wait exhausted.
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Auth: 3,
  Interrupted: 4,
  Budget: 5,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface ErrorOptions {
  /** What the user can do about it, one line. */
  remedy?: string
  cause?: unknown
  /** Stable machine-readable code, e.g. "missing_scope". */
  code?: string
  details?: Record<string, unknown>
}

export class BbError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.Failure
  readonly remedy?: string
  readonly code: string
  readonly details?: Record<string, unknown>
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, {cause: options.cause})
    this.name = new.target.name
    this.remedy = options.remedy
    this.code = options.code ?? 'error'
    this.details = options.details
  }
}

/** Bad flags, bad input, missing configuration the user must supply. */
export class UsageError extends BbError {
  override readonly exitCode = ExitCode.Usage
}

/** Credentials missing, invalid, expired, revoked, or lacking scopes. */
export class AuthError extends BbError {
  override readonly exitCode = ExitCode.Auth
}

/** The user (or a signal) stopped the operation; it can be resumed. */
export class InterruptedError extends BbError {
  override readonly exitCode = ExitCode.Interrupted
}

/** Rate-limit budget or --max-wait exhausted with work left; it can be resumed. */
export class BudgetExhaustedError extends BbError {
  override readonly exitCode = ExitCode.Budget
}

/** Network, TLS, DNS or an API answer we could not use after retries. */
export class NetworkError extends BbError {}

/** An HTTP answer we do not retry (4xx other than auth) or gave up on. */
export class HttpError extends BbError {
  constructor(
    message: string,
    readonly status: number,
    options: ErrorOptions & {body?: unknown} = {},
  ) {
    super(message, options)
    this.body = options.body
  }
  readonly body?: unknown
}

/** A Bitbucket-specific guard refused to do something unsafe (e.g. follow a foreign `next` link). */
export class GuardError extends BbError {}

export function exitCodeOf(err: unknown): ExitCodeValue {
  if (err instanceof BbError) return err.exitCode
  return ExitCode.Failure
}

/** A cancellation (Ctrl-C, an AbortSignal, a timeout signal) rather than a failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof InterruptedError || (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
}
