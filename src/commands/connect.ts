import {Flags} from '@oclif/core'
import path from 'node:path'

import {BaseCommand} from '../base-command.js'
import type {ConnectResult} from '../core/auth/connect.js'
import {checkMethod} from '../core/auth/validate-request.js'
import type {CredentialKind} from '../core/config/schema.js'
import {DEFAULT_CLOUD_API, DEFAULT_CLOUD_SITE} from '../core/config/schema.js'
import {AuthError, InterruptedError, UsageError} from '../core/errors.js'
import type {ProviderKind} from '../core/model.js'
import type {ConnectAnswers} from '../ui/prompts/connect-wizard.js'

export default class Connect extends BaseCommand {
  static override summary = 'Connect a Bitbucket Cloud or Data Center account.'
  static override description = `Verifies the credential against the API before storing it; the secret goes to the OS keychain (or, with --allow-insecure-store, a 0600 file), the rest to the config file. Asks for what is missing when run in a terminal; otherwise fails naming the missing flag.

App passwords were removed from Bitbucket Cloud on 2026-07-28: use an Atlassian API token with scopes (sent with your Atlassian account e-mail). --auth app-password is accepted and treated as api-token.

OAuth: register http://127.0.0.1:8976/callback (or your --callback-port) as the consumer's callback URL. The browser is opened with $BROWSER when set, else the system default; the URL is printed too.`

  static override examples = [
    'echo "$TOKEN" | <%= config.bin %> connect --provider cloud --auth api-token --email jane@example.com --token-stdin',
    'echo "$SECRET" | <%= config.bin %> connect --provider cloud --auth oauth --client-id KEY --client-secret-stdin',
    'echo "$PAT" | <%= config.bin %> connect --provider datacenter --url https://bitbucket.example.com --auth pat --token-stdin',
    'echo "$TOKEN2" | <%= config.bin %> connect --add --auth api-token --email jane@example.com --token-stdin',
    'echo "$REPO_TOKEN" | <%= config.bin %> connect --provider cloud --auth access-token --token-target acme/api --token-stdin',
  ]

  static override flags = {
    provider: Flags.string({description: 'Bitbucket flavour.', options: ['cloud', 'datacenter'], env: 'BB_INTEGRATE_PROVIDER'}),
    url: Flags.string({description: `Cloud API base (default ${DEFAULT_CLOUD_API}) or Data Center server URL.`, env: 'BB_INTEGRATE_URL'}),
    'oauth-url': Flags.string({description: `Cloud site for OAuth (default ${DEFAULT_CLOUD_SITE}).`, env: 'BB_INTEGRATE_OAUTH_URL'}),
    auth: Flags.string({
      description: 'Credential kind (app-password is accepted and treated as api-token).',
      options: ['oauth', 'api-token', 'access-token', 'pat', 'app-password'],
      env: 'BB_INTEGRATE_AUTH',
    }),
    email: Flags.string({description: 'Atlassian account e-mail (API tokens).', env: 'BB_INTEGRATE_EMAIL'}),
    'token-stdin': Flags.boolean({description: 'Read the token from stdin.'}),
    'client-id': Flags.string({description: 'OAuth consumer key / client id.', env: 'BB_INTEGRATE_CLIENT_ID'}),
    'client-secret-stdin': Flags.boolean({description: 'Read the OAuth client secret from stdin.'}),
    'callback-port': Flags.integer({
      description: 'Loopback port for the OAuth callback (the consumer must list http://127.0.0.1:<port>/callback).',
      default: 8976,
      min: 1,
      max: 65535,
      env: 'BB_INTEGRATE_CALLBACK_PORT',
    }),
    'oauth-scope': Flags.string({description: 'Data Center OAuth scope to request (repeatable; default REPO_READ).', multiple: true}),
    'oauth-timeout': Flags.integer({
      description: 'Seconds to wait for the browser login.',
      default: 300,
      min: 1,
      env: 'BB_INTEGRATE_OAUTH_TIMEOUT',
      helpGroup: 'ADVANCED',
    }),
    name: Flags.string({description: 'Connection name (default: --connection / BB_INTEGRATE_CONNECTION, else "default").'}),
    add: Flags.boolean({description: 'Add another credential to an existing connection (rotation) instead of replacing.'}),
    'allow-insecure-store': Flags.boolean({
      description: 'Store secrets in a plain 0600 file in the config dir instead of the OS keychain.',
      env: 'BB_INTEGRATE_ALLOW_INSECURE_STORE',
    }),
    'token-target': Flags.string({
      description: 'Cloud access tokens: the repository (workspace/repo) or workspace the token belongs to; verifies a token that cannot read /user.',
      env: 'BB_INTEGRATE_TOKEN_TARGET',
    }),
    'ca-file': Flags.string({description: 'PEM file with extra CA certificates (self-signed Data Center).', env: 'BB_INTEGRATE_CA_FILE'}),
  }

  async run(): Promise<ConnectResult> {
    const {flags} = await this.parse(Connect)
    const [{connect}, {browserOpener}, {formatScopeAdvice}] = await Promise.all([
      import('../core/auth/connect.js'),
      import('../core/auth/oauth/browser.js'),
      import('../core/auth/scopes.js'),
    ])
    const config = await this.ctx.configStore()
    const name = flags.name ?? flags.connection ?? 'default'
    const existing = flags.add ? config.getConnection(name) : undefined

    let answers: ConnectAnswers = {
      provider: (flags.provider as ProviderKind | undefined) ?? existing?.provider,
      url: flags.url ?? existing?.url ?? (flags.provider === 'cloud' || existing?.provider === 'cloud' ? DEFAULT_CLOUD_API : undefined),
      oauthUrl: flags['oauth-url'] ?? existing?.oauthUrl,
      auth: flags.auth as ConnectAnswers['auth'],
      email: flags.email,
      clientId: flags['client-id'],
      target: flags['token-target'],
    }
    if (flags['token-stdin'] || flags['client-secret-stdin']) {
      const {readSecretFromStdin} = await import('../ui/prompts/read-stdin.js')
      const secret = await readSecretFromStdin(this.ctx.io.stdin)
      if (!secret) throw new UsageError('Nothing was read from stdin', {code: 'empty_stdin', remedy: 'Pipe the secret: `echo "$TOKEN" | bb-integrate connect … --token-stdin`.'})
      if (flags['token-stdin']) answers.token = secret
      else answers.clientSecret = secret
    }

    const secretStores = await this.ctx.secretStores()
    let allowInsecureStore = Boolean(flags['allow-insecure-store'])
    let typedSecret = false
    const request = (a: ConnectAnswers) => ({
      name,
      provider: a.provider as ProviderKind,
      url: a.url as string,
      oauthUrl: a.oauthUrl,
      caFile: flags['ca-file'] ?? existing?.caFile,
      auth: a.auth as CredentialKind,
      email: a.email,
      token: a.token,
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      callbackPort: flags['callback-port'],
      oauthScopes: flags['oauth-scope'],
      oauthTimeoutMs: flags['oauth-timeout'] * 1000,
      add: Boolean(flags.add),
      allowInsecureStore,
      ...(a.target ? {target: a.target} : {}),
    })

    // From here on Ctrl-C cancels cleanly (exit 4, nothing written) instead of killing the process
    // mid-write; it is installed after stdin was read so a stuck `--token-stdin` can still be interrupted.
    const controller = new AbortController()
    const onSigint = (): void => controller.abort(new InterruptedError('Connect cancelled; nothing was stored', {code: 'cancelled'}))
    const stopListening = this.ctx.signals.onInterrupt(onSigint)
    const deps = {
      config,
      secretStores,
      openBrowser: browserOpener(this.ctx.processEnv),
      // Always printed, --json or not: the user may have to open it by hand.
      onAuthorizeUrl: (url: string) => this.ctx.io.stderr.write(`Open this URL to authorize bb-integrate:\n  ${url}\n`),
      onStep: (message: string) => this.info(message),
      onWarning: (message: string) => this.ctx.io.stderr.write(message + '\n'),
      signal: controller.signal,
    }
    try {
      if (answers.auth === 'app-password') {
        this.info('Note: app passwords were removed from Bitbucket Cloud on 2026-07-28; treating --auth app-password as an API token (Atlassian account e-mail + API token with scopes).')
        answers.auth = 'api-token'
      }
      // A method the provider does not offer is the mistake to report, not the flags it would need.
      if (answers.provider && answers.auth) checkMethod(answers.provider, answers.auth)
      const missing = missingFlags(answers)
      if (missing.length > 0) {
        if (!this.interactive || this.jsonEnabled()) {
          throw new UsageError(`Missing ${missing.join(', ')}; there is no terminal to ask (stdin or stderr is not a TTY, or CI/--json)`, {
            code: 'missing_flag',
            details: {flag: missing[0], flags: missing},
            remedy: `Pass ${missing.join(', ')}, e.g. ${example(answers.provider)}.`,
          })
        }
        const {runConnectWizard, offerFileStore} = await import('../ui/prompts/connect-wizard.js')
        // The keychain first: a person must not type a secret only to learn it cannot be stored.
        if (!allowInsecureStore && (!answers.token || !answers.clientSecret)) {
          const {KeychainUnavailableError} = await import('../core/auth/keychain-store.js')
          const probe = await secretStores('keychain').get(`${name}/keychain-check`).then(() => null, (error: unknown) => error)
          if (probe instanceof KeychainUnavailableError) {
            const accepted = await offerFileStore(`The OS keychain cannot be used: ${probe.message}.`, path.join(config.dir, 'secrets.json'), {input: this.ctx.io.stdin, output: this.ctx.io.stderr as NodeJS.WriteStream, signal: controller.signal})
            if (!accepted) throw probe
            allowInsecureStore = true
          } else if (probe) throw probe
        }
        // Prompts write to stderr so stdout stays clean; stdin stays unread by anything else.
        answers = await runConnectWizard(answers, {input: this.ctx.io.stdin, output: this.ctx.io.stderr as NodeJS.WriteStream, signal: controller.signal})
        typedSecret = !flags['token-stdin'] && answers.auth !== 'oauth'
      }

      let result: ConnectResult | undefined
      for (let attempt = 1; !result; attempt++) {
        try {
          const asked = request(answers)
          result = await connect(asked, {...deps, dispatcher: await this.ctx.httpDispatcher(asked.caFile), ...(this.ctx.httpDebug ? {http: {debug: this.ctx.httpDebug}} : {})})
        } catch (error) {
          // A token typed into the wizard and refused by Bitbucket: say why and ask again (three tries).
          if (!typedSecret || attempt >= 3 || !(error instanceof AuthError)) throw error
          this.info(`Error: ${error.message}${error.remedy ? `\n  → ${error.remedy}` : ''}\nTry again (attempt ${attempt + 1} of 3), or Ctrl-C to stop.`)
          const {runConnectWizard} = await import('../ui/prompts/connect-wizard.js')
          answers = await runConnectWizard({...answers, token: undefined}, {input: this.ctx.io.stdin, output: this.ctx.io.stderr as NodeJS.WriteStream, signal: controller.signal})
        }
      }

      const {identity} = result.credential
      // A token verified against its target has no user behind it: name what it was checked against.
      const who = identity.displayName ?? identity.accountId ?? (answers.target ? `a token for ${answers.target}` : identity.id)
      this.info(
        `${result.added ? 'Added credential' : 'Connected'} ${result.connection}/${result.credential.id} (${result.provider}, ${result.credential.kind}) as ${who}; ` +
          `secret in ${result.credential.store === 'keychain' ? 'the OS keychain' : `plain file ${config.dir}/secrets.json`}.`,
      )
      if (result.replaced.length > 0) this.info(`Replaced the previous credential(s) ${result.replaced.join(', ')} and deleted their secrets.`)
      if (result.credential.scopes) this.info(`Granted scopes: ${result.credential.scopes.join(' ')}`)
      for (const line of formatScopeAdvice(result.leastPrivilege)) this.info(line)
      return result
    } finally {
      stopListening()
    }
  }
}

/**
 * Every flag neither the command line nor the existing connection supplies, in the order to pass them.
 * Without --auth the method-specific ones are unknown; "--auth" then stands for them.
 */
function missingFlags(a: ConnectAnswers): string[] {
  const missing: string[] = []
  if (!a.provider) missing.push('--provider')
  if (!a.url && a.provider === 'datacenter') missing.push('--url')
  if (!a.auth) missing.push('--auth')
  else if (a.auth === 'oauth') {
    if (!a.clientId) missing.push('--client-id')
    if (!a.clientSecret) missing.push('--client-secret-stdin')
  } else {
    if (a.auth === 'api-token' && !a.email) missing.push('--email')
    if (!a.token) missing.push('--token-stdin')
  }
  return missing
}

function example(provider: ProviderKind | undefined): string {
  return provider === 'datacenter'
    ? '`echo "$PAT" | bb-integrate connect --provider datacenter --url https://bitbucket.example.com --auth pat --token-stdin`'
    : '`echo "$TOKEN" | bb-integrate connect --provider cloud --auth api-token --email you@example.com --token-stdin`'
}
