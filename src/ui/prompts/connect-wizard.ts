import {confirm, input, password, select} from '@inquirer/prompts'
import {Writable} from 'node:stream'

import {DEFAULT_CLOUD_API, DEFAULT_CLOUD_SITE} from '../../core/config/schema.js'
import type {CredentialKind} from '../../core/config/schema.js'
import {TOKEN_TARGET} from '../../core/auth/validate-request.js'
import {InterruptedError} from '../../core/errors.js'
import type {ProviderKind} from '../../core/model.js'

/** What the wizard fills in; anything already given by a flag is kept and not asked. */
export interface ConnectAnswers {
  provider?: ProviderKind
  url?: string
  oauthUrl?: string
  auth?: CredentialKind | 'app-password'
  email?: string
  token?: string
  clientId?: string
  clientSecret?: string
  /** Cloud access tokens: the workspace or workspace/repo the token belongs to. */
  target?: string
}

/** Prompts read and write these streams (stderr by default, so stdout stays clean); tests pass their own. */
export interface PromptIO {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
  signal?: AbortSignal
}

export const APP_PASSWORD_NOTE =
  'Bitbucket Cloud removed app passwords on 2026-07-28; their replacement is an Atlassian API token with scopes, ' +
  'sent with your Atlassian account e-mail. Continuing with an API token.'

/** provider → URL → method → details. Ctrl-C (or the signal) becomes InterruptedError: exit 4, nothing written. */
export async function runConnectWizard(known: ConnectAnswers, io: PromptIO): Promise<ConnectAnswers> {
  const target = io.output
  // Each prompt ends the output stream it is given when done; hand it a fresh pass-through every time
  // so the caller's stream (stderr, or a test's) stays open for the next prompt.
  const ctx = () => ({input: io.input, output: nonClosing(target), signal: io.signal, clearPromptOnDone: false})
  const say = (text: string): void => {
    target.write(text + '\n')
  }
  const answers: ConnectAnswers = {...known}
  try {
    answers.provider ??= await select<ProviderKind>(
      {
        message: 'Which Bitbucket?',
        choices: [
          {name: 'Bitbucket Cloud (bitbucket.org)', value: 'cloud'},
          {name: 'Bitbucket Data Center / Server (self-hosted)', value: 'datacenter'},
        ],
      },
      ctx(),
    )
    if (answers.provider === 'datacenter') {
      answers.url ??= await input({message: 'Server URL (e.g. https://bitbucket.example.com)', validate: validUrl}, ctx())
    } else {
      answers.url ??= DEFAULT_CLOUD_API
    }
    answers.auth ??= await select<CredentialKind | 'app-password'>(
      {message: 'How do you want to sign in?', choices: methodChoices(answers.provider)},
      ctx(),
    )
    if (answers.auth === 'app-password') {
      say(APP_PASSWORD_NOTE)
      answers.auth = 'api-token'
    }
    if (answers.auth === 'oauth') {
      if (answers.provider === 'cloud') answers.oauthUrl ??= DEFAULT_CLOUD_SITE
      answers.clientId ??= await input({message: 'OAuth consumer key (client id)', validate: required}, ctx())
      answers.clientSecret ??= await password({message: 'OAuth consumer secret', mask: '*', validate: required}, ctx())
      return answers
    }
    if (answers.auth === 'api-token') {
      say('API tokens use your Atlassian account e-mail (not your Bitbucket username).')
      answers.email ??= await input({message: 'Atlassian account e-mail', validate: validEmail}, ctx())
    }
    answers.token ??= await password({message: tokenLabel(answers.auth), mask: '*', validate: required}, ctx())
    if (answers.provider === 'cloud' && answers.auth === 'access-token' && answers.target === undefined) {
      const target = await input({
        message: 'Repository (workspace/repo) or workspace this access token belongs to (Enter to skip: workspace tokens with the account scope)',
        validate: (v: string) => v.trim() === '' || TOKEN_TARGET.test(v.trim()) || 'Use workspace or workspace/repo',
      }, ctx())
      answers.target = target.trim() || undefined
    }
    return answers
  } catch (error) {
    const name = (error as Error | undefined)?.name
    if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
      throw new InterruptedError('Connect cancelled; nothing was stored', {code: 'cancelled'})
    }
    throw error
  }
}

/**
 * The keychain cannot be used (asked before any secret is typed): offer the 0600 file, with what that
 * means, right here. True when the user accepts it; Ctrl-C is a cancel like everywhere in the wizard.
 */
export async function offerFileStore(reason: string, file: string, io: PromptIO): Promise<boolean> {
  const target = io.output
  target.write(`${reason}\n`)
  target.write(`The secret can go to ${file} instead: a plain file with mode 0600, readable by you and by root, and by anything that reads your files (backups, synced folders).\n`)
  try {
    return await confirm({message: 'Store the secret in that plain file?', default: false}, {input: io.input, output: nonClosing(target), signal: io.signal, clearPromptOnDone: false})
  } catch (error) {
    const name = (error as Error | undefined)?.name
    if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
      throw new InterruptedError('Connect cancelled; nothing was stored', {code: 'cancelled'})
    }
    throw error
  }
}

function methodChoices(provider: ProviderKind): Array<{name: string; value: CredentialKind | 'app-password'; description?: string}> {
  if (provider === 'cloud') {
    return [
      {name: 'API token (Atlassian account e-mail + token with scopes)', value: 'api-token'},
      {name: 'OAuth 2.0 in the browser (OAuth consumer)', value: 'oauth'},
      {name: 'Repository / project / workspace access token', value: 'access-token'},
      {name: 'App password (removed — use an API token)', value: 'app-password'},
    ]
  }
  return [
    {name: 'HTTP access token (personal)', value: 'pat'},
    {name: 'OAuth 2.0 in the browser (application link)', value: 'oauth'},
    {name: 'Project / repository HTTP access token', value: 'access-token'},
  ]
}

function tokenLabel(auth: CredentialKind): string {
  return auth === 'api-token' ? 'API token' : auth === 'pat' ? 'HTTP access token' : 'Access token'
}

function required(value: string): true | string {
  return value.trim() ? true : 'Required'
}

function validEmail(value: string): true | string {
  return value.includes('@') ? true : 'API tokens use the Atlassian account e-mail, not the Bitbucket username'
}

function validUrl(value: string): true | string {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? true : 'Use an http(s) URL'
  } catch {
    return 'Not a URL'
  }
}

function nonClosing(target: NodeJS.WritableStream): NodeJS.WritableStream {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      // Hand the chunk on at once: waiting for the target's callback would queue the prompt's last
      // newline behind it, and the next line written straight to the target would overtake it.
      target.write(chunk)
      callback()
    },
  })
  // Prompts size their rendering from the terminal they write to.
  const tty = target as NodeJS.WritableStream & {columns?: number; rows?: number; isTTY?: boolean}
  Object.assign(stream, {columns: tty.columns, rows: tty.rows, isTTY: tty.isTTY})
  return stream
}
