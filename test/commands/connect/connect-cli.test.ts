import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {ensureBuilt, runCli, type CliResult} from '../../helpers/cli.js'
import {findSecrets} from './secret-scan.js'
import {freePort} from '../../helpers/net.js'


describe('bb-integrate connect / auth status / disconnect (built CLI, emulator)', () => {
  let cloud: RunningEmulator
  let dc: RunningEmulator
  let tlsEmu: RunningEmulator
  let certDir: string
  let dir: string
  const outputs: Record<string, string> = {}
  const secrets: string[] = []
  const dirs: string[] = []

  beforeAll(async () => {
    ensureBuilt()
    certDir = mkdtempSync(path.join(tmpdir(), 'bbi-cert-'))
    // A self-signed server certificate, as a Data Center with a private CA has.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], {stdio: 'ignore'})
    ;[cloud, dc, tlsEmu] = await Promise.all([
      startEmulator({flavor: 'cloud', dataset: 'tiny'}),
      startEmulator({flavor: 'datacenter', dataset: 'tiny'}),
      startEmulator({flavor: 'datacenter', dataset: 'tiny', tls: {key: readFileSync(path.join(certDir, 'key.pem')), cert: readFileSync(path.join(certDir, 'cert.pem'))}}),
    ])
  })
  afterAll(async () => {
    await Promise.all([cloud?.close(), dc?.close(), tlsEmu?.close()])
    rmSync(certDir, {recursive: true, force: true})
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-cli-'))
    dirs.push(dir)
  })

  let n = 0
  async function cli(args: string[], options: {stdin?: string; env?: Record<string, string>} = {}): Promise<CliResult> {
    const result = await runCli(args, {stdin: options.stdin, env: {BB_INTEGRATE_CONFIG_DIR: dir, ...options.env}, timeoutMs: 45_000})
    n += 1
    outputs[`#${n} ${args.join(' ')} stdout`] = result.stdout
    outputs[`#${n} ${args.join(' ')} stderr`] = result.stderr
    return result
  }

  function nothingWritten(): void {
    const configFile = path.join(dir, 'config.json')
    const connections = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')).connections ?? {} : {}
    expect(connections).toEqual({})
    expect(existsSync(path.join(dir, 'secrets.json'))).toBe(false)
  }

  const cloudArgs = () => ['connect', '--provider', 'cloud', '--url', cloud.apiBase, '--oauth-url', cloud.url]

  it('connects with an API token from stdin (file store), prints least privilege, and --json is the result', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    secrets.push(token.secret)
    const r = await cli([...cloudArgs(), '--auth', 'api-token', '--email', token.login as string, '--token-stdin', '--allow-insecure-store', '--json'], {stdin: token.secret + '\n'})
    expect(r.stderr).toContain(`Warning: secrets stored in plain file ${path.join(dir, 'secrets.json')}`)
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.credential).toMatchObject({id: '1', kind: 'api-token', store: 'file'})
    expect(json.leastPrivilege.webhooks).toEqual(['read:webhook:bitbucket', 'write:webhook:bitbucket', 'delete:webhook:bitbucket'])
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600)

    const human = await cli(['auth', 'status'])
    expect(human.code).toBe(0)
    expect(human.stderr).toMatch(/1: api-token as .* secret in plain file/)

    const status = await cli(['auth', 'status', '--json', '--check'])
    expect(status.code).toBe(0)
    const s = JSON.parse(status.stdout)
    expect(s.connections[0].credentials[0]).toMatchObject({kind: 'api-token', store: 'file', check: {status: 'ok'}})
    expect(s.valid).toBe(true)

    cloud.admin.revokeToken(token.id)
    const bad = await cli(['auth', 'status', '--json', '--check'])
    expect(bad.code).toBe(3)
    expect(JSON.parse(bad.stdout).connections[0].credentials[0].check.status).toBe('invalid')

    // The revoked token cannot delete webhooks: the connection is kept, and plain disconnect still works.
    const refused = await cli(['disconnect', '--remove-webhooks'])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/is kept/)
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).defaultConnection).toBeDefined()
    const gone = await cli(['disconnect'])
    expect(gone.code).toBe(0)
    nothingWritten()
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).defaultConnection).toBeUndefined()
  })

  it('accepts --auth app-password and explains it is an API token now', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    secrets.push(token.secret)
    const r = await cli([...cloudArgs(), '--auth', 'app-password', '--email', token.login as string, '--token-stdin', '--allow-insecure-store'], {stdin: token.secret})
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/app passwords were removed .* treating --auth app-password as an API token/)
  })

  it('without a TTY names the missing flag (exit 2) and writes nothing', async () => {
    const r = await cli(['connect', '--provider', 'cloud', '--auth', 'api-token', '--token-stdin'], {stdin: 'tok'})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Missing --email')
    const r2 = await cli(['connect'])
    expect(r2.code).toBe(2)
    expect(r2.stderr).toContain('Missing --provider')
    nothingWritten()
  })

  it('without a TTY names every missing flag at once; a method the provider lacks is reported first', async () => {
    const r = await cli(['connect', '--provider', 'cloud', '--auth', 'api-token'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Missing --email, --token-stdin;')
    const dcNoUrl = await cli(['connect', '--provider', 'datacenter', '--json'])
    expect(dcNoUrl.code).toBe(2)
    expect(JSON.parse(dcNoUrl.stdout).error).toMatchObject({code: 'missing_flag', details: {flag: '--url', flags: ['--url', '--auth']}})
    // Not "Missing --email": Data Center has no API tokens at all.
    const dcApiToken = await cli(['connect', '--provider', 'datacenter', '--url', dc.apiBase, '--auth', 'api-token'])
    expect(dcApiToken.code).toBe(2)
    expect(dcApiToken.stderr).toContain('--auth api-token is not available for datacenter')
    expect(dcApiToken.stderr).toContain('on Data Center use --auth pat')
    nothingWritten()
  })

  it('--url one level off (Cloud without /2.0, Data Center with /rest/…): exit 2 suggesting the right URL', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    secrets.push(token.secret)
    const r = await cli(['connect', '--provider', 'cloud', '--url', cloud.url, '--auth', 'api-token', '--email', token.login as string, '--token-stdin', '--allow-insecure-store'], {stdin: token.secret})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`--url ${cloud.url} is not the Bitbucket Cloud API`)
    expect(r.stderr).toContain(`Did you mean --url ${cloud.url}/2.0?`)
    const pat = await dc.admin.createToken({kind: 'pat'})
    secrets.push(pat.secret)
    const d = await cli(['connect', '--provider', 'datacenter', '--url', `${dc.url}/rest/api/latest`, '--auth', 'pat', '--token-stdin', '--allow-insecure-store', '--json'], {stdin: pat.secret})
    expect(d.code).toBe(2)
    expect(JSON.parse(d.stdout).error).toMatchObject({code: 'bad_url', remedy: `Did you mean --url ${dc.url}?`, exitCode: 2})
    nothingWritten()
  })

  it('a wrong token: exit 3, the server\'s words without a doubled full stop', async () => {
    const r = await cli([...cloudArgs(), '--auth', 'api-token', '--email', 'mei.mensah@acme.example', '--token-stdin', '--allow-insecure-store'], {stdin: 'not-a-token'})
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/401 Unauthorized\) for GET \S+: [^\n]*[^.]; nothing was stored/)
    expect(r.stderr).not.toMatch(/\.\.|\.;/)
    nothingWritten()
  })

  it('a username instead of the e-mail: exit 2 before any request', async () => {
    cloud.admin.resetStats()
    const r = await cli([...cloudArgs(), '--auth', 'api-token', '--email', 'mei.mensah', '--token-stdin', '--allow-insecure-store'], {stdin: 'ATATT3xsomething'})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/not an e-mail address \(it has no @\); API tokens use the Atlassian account e-mail/)
    expect(cloud.admin.stats().requests ?? 0).toBe(0)
    nothingWritten()
  })

  it.each([
    ['expired', {expiresInSec: -5}, /expired/i],
    ['revoked', {}, /revoked/i],
    ['missing scopes', {scopes: ['read:repository:bitbucket']}, /read:user:bitbucket/],
  ])('%s token: exit 3, clear message, nothing written', async (what, spec, message) => {
    const token = await cloud.admin.createToken({kind: 'api-token', ...spec})
    secrets.push(token.secret)
    if (what === 'revoked') cloud.admin.revokeToken(token.id)
    const r = await cli([...cloudArgs(), '--auth', 'api-token', '--email', token.login as string, '--token-stdin', '--allow-insecure-store'], {stdin: token.secret})
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toMatch(/nothing was stored/)
    nothingWritten()
  })

  it('unreachable host: exit 1 with a remedy', async () => {
    const port = await freePort()
    const r = await cli(['connect', '--provider', 'datacenter', '--url', `http://127.0.0.1:${port}`, '--auth', 'pat', '--token-stdin', '--allow-insecure-store'], {stdin: 'BBDC-x'})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/127\.0\.0\.1/)
    expect(r.stderr).toMatch(/→ /)
    nothingWritten()
  })

  it('TLS failure (self-signed) is exit 1 suggesting --ca-file; with --ca-file it connects', async () => {
    const token = await tlsEmu.admin.createToken({kind: 'pat'})
    secrets.push(token.secret)
    const args = ['connect', '--provider', 'datacenter', '--url', tlsEmu.apiBase, '--auth', 'pat', '--token-stdin', '--allow-insecure-store']
    const r = await cli(args, {stdin: token.secret})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/certificate|TLS/i)
    expect(r.stderr).toMatch(/--ca-file/)
    nothingWritten()
    const ok = await cli([...args, '--ca-file', path.join(certDir, 'cert.pem'), '--json'], {stdin: token.secret})
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout).credential.principal).toBe(`dc-user:${tlsEmu.world.users()[0]!.slug}`)
  })

  it('keychain unreachable (no D-Bus session): exit 1 naming --allow-insecure-store, nothing written, no plaintext fallback', async () => {
    const token = await dc.admin.createToken({kind: 'pat'})
    secrets.push(token.secret)
    const r = await cli(['connect', '--provider', 'datacenter', '--url', dc.apiBase, '--auth', 'pat', '--token-stdin'], {stdin: token.secret, env: {BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS: '3000'}})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/OS keychain not reachable/)
    expect(r.stderr).toMatch(/--allow-insecure-store/)
    expect(r.stderr).toMatch(/BB_INTEGRATE_TOKEN/)
    nothingWritten()
  })

  it('--add rotates: two credentials, the second a different principal; status shows both', async () => {
    const one = await dc.admin.createToken({kind: 'pat'})
    const two = await dc.admin.createToken({kind: 'pat', user: dc.world.users()[1]!.uuid})
    secrets.push(one.secret, two.secret)
    const base = ['connect', '--provider', 'datacenter', '--url', dc.apiBase, '--auth', 'pat', '--token-stdin', '--allow-insecure-store', '--name', 'dc']
    expect((await cli(base, {stdin: one.secret})).code).toBe(0)
    const add = await cli(['connect', '--name', 'dc', '--add', '--auth', 'pat', '--token-stdin', '--allow-insecure-store', '--json'], {stdin: two.secret})
    expect(add.code).toBe(0)
    expect(JSON.parse(add.stdout).credential.id).toBe('2')
    const status = JSON.parse((await cli(['auth', 'status', '--json'])).stdout)
    expect(status.connections[0].credentials.map((c: {principal: string}) => c.principal)).toEqual([
      `dc-user:${dc.world.users()[0]!.slug}`,
      `dc-user:${dc.world.users()[1]!.slug}`,
    ])
  })

  it('a repository access token (no account scope) needs --token-target; with it: verified, re-checked and synced by default', async () => {
    const repo = cloud.world.repos(cloud.world.containers()[0]!.key)[0]!
    const key = `${repo.container}/${repo.slug}`
    const token = await cloud.admin.createToken({kind: 'access-token', scopes: ['repository', 'pullrequest'], boundTo: key})
    secrets.push(token.secret)
    const base = [...cloudArgs(), '--auth', 'access-token', '--token-stdin', '--allow-insecure-store']

    const refused = await cli([...base, '--json'], {stdin: token.secret})
    expect(refused.code).toBe(3)
    expect(refused.stdout).toContain('--token-target WORKSPACE/REPO')
    nothingWritten()

    const badTarget = await cli([...base, '--token-target', 'not a repo'], {stdin: token.secret})
    expect(badTarget.code).toBe(2)
    expect(badTarget.stderr).toContain('--token-target "not a repo" is not a workspace or workspace/repo')
    const wrongKind = await cli([...cloudArgs(), '--auth', 'api-token', '--email', 'a@b.c', '--token-stdin', '--token-target', key], {stdin: token.secret})
    expect(wrongKind.code).toBe(2)
    expect(wrongKind.stderr).toContain('--token-target is only for Cloud access tokens')
    nothingWritten()

    const ok = await cli([...base, '--token-target', key, '--json'], {stdin: token.secret})
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout).credential).toMatchObject({kind: 'access-token'})
    const check = await cli(['auth', 'status', '--check', '--json'])
    expect(check.code).toBe(0)
    expect(JSON.parse(check.stdout).connections[0].credentials[0]).toMatchObject({target: key, check: {status: 'ok'}})

    // No --repo and no selection: the token's repository is what sync takes (it cannot list workspaces).
    const synced = await cli(['sync', '--json', '--no-commit-files', '--store', path.join(dir, 'store.db')])
    expect(synced.code).toBe(0)
    const summary = JSON.parse(synced.stdout.trim().split('\n').at(-1)!)
    expect(summary).toMatchObject({type: 'summary', complete: true, reposDone: 1})
  })

  it('no secret appears in any stdout, stderr, --json or config file', () => {
    expect(Object.keys(outputs).length).toBeGreaterThan(10)
    expect(secrets.length).toBeGreaterThan(5)
    // The opt-in plain secrets files hold them by design; every other file must not.
    const allowed = dirs.map((d) => path.join(d, 'secrets.json'))
    expect(findSecrets(secrets, outputs, dirs, allowed)).toEqual([])
    // …and the scan itself can fail: the secrets files do contain them.
    expect(findSecrets(secrets, {}, dirs).length).toBeGreaterThan(0)
  })


})

describe('auth status --check with BB_INTEGRATE_TOKEN (CI, no config)', () => {
  let emu: RunningEmulator
  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny'})
  })
  afterAll(async () => emu?.close())

  it('checks the env token (exit 0), and a bad one exits 3 without printing it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbi-env-'))
    try {
      const token = await emu.admin.createToken({kind: 'api-token'})
      const env = {BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_TOKEN: token.secret, BB_INTEGRATE_EMAIL: token.login as string, BB_INTEGRATE_PROVIDER: 'cloud', BB_INTEGRATE_URL: emu.apiBase}
      const ok = await runCli(['auth', 'status', '--check', '--json'], {env})
      expect(ok.code).toBe(0)
      expect(JSON.parse(ok.stdout).envCheck).toMatchObject({status: 'ok', principal: `cloud-user:${token.login}`})
      const bad = await runCli(['auth', 'status', '--check', '--json'], {env: {...env, BB_INTEGRATE_TOKEN: 'ATATT3xwrong-token-value'}})
      expect(bad.code).toBe(3)
      expect(JSON.parse(bad.stdout).envCheck.status).toBe('invalid')
      expect(findSecrets([token.secret, 'ATATT3xwrong-token-value'], {a: ok.stdout, b: ok.stderr, c: bad.stdout, d: bad.stderr}, [dir])).toEqual([])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

})
