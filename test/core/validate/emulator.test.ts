import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {readEnv} from '../../../src/core/env.js'
import {validateConnection} from '../../../src/core/validate/service.js'
import type {ValidateReport} from '../../../src/core/validate/types.js'
import {setupFixture, type Fixture} from './fixture.js'
import {freePort} from '../../helpers/net.js'

let fx: Fixture | undefined
afterEach(async () => {
  await fx?.close()
  fx = undefined
})

const env = readEnv({})
const run = (f: Fixture, strict = false) => validateConnection({env, processEnv: process.env, config: f.config, secretStore: f.store, strict, timeoutMs: 5000})
const rowOf = (r: ValidateReport, id: string) => r.checks.find((c) => c.id === id)

describe('validate against the emulator', () => {
  it('all good (Cloud): passes, honest skips, finishes in well under the timeout', async () => {
    fx = await setupFixture()
    // The emulator builds a repository's git objects on its first git request: do that before timing validate.
    const warm = fx.emu.admin.createToken({kind: 'api-token'})
    await fetch(`${fx.emu.url}/${fx.selection[0]}.git/info/refs?service=git-upload-pack`, {headers: {Authorization: `Basic ${Buffer.from(`x-bitbucket-api-token-auth:${warm.secret}`).toString('base64')}`}})
    const report = await run(fx)
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([])
    expect(report.ok).toBe(true)
    expect(rowOf(report, 'reachability')?.detail).toMatch(/reachable over plain HTTP/)
    expect(rowOf(report, 'credential:1')?.status).toBe('pass')
    expect(rowOf(report, 'identity')?.detail).toContain(fx.emu.world.users()[0]?.displayName)
    expect(rowOf(report, 'scopes:1')?.status).toBe('pass')
    expect(rowOf(report, 'repos')?.detail).toMatch(/3 selected repositories and their pull requests readable/)
    expect(rowOf(report, 'webhooks')).toMatchObject({status: 'skip', detail: 'webhooks not configured yet'})
    expect(rowOf(report, 'dc-version')?.status).toBe('skip')
    expect(rowOf(report, 'keychain')?.status).toBe('pass')
    // The git row: the installed git fetches the first selected repository (ls-remote over its clone link).
    expect(rowOf(report, 'git')).toMatchObject({status: 'pass', detail: expect.stringMatching(new RegExp(`^git \\d+\\.\\d+.* can fetch ${fx.selection[0]}$`)) as unknown})
    expect(fx.emu.stats().git).toBeGreaterThan(0)
    // Shared probes: one identity request serves three rows; two requests per selected repo; one clone link for the git row.
    expect(fx.emu.stats().total).toBe(1 + 2 * fx.selection.length + 1)
    process.stderr.write(`validate-cloud-all-good ${report.durationMs} ms, ${JSON.stringify(fx.emu.stats()).slice(0, 300)}\n`)
    expect(report.durationMs).toBeLessThan(5000)
  })

  it('twelve selected repositories: no MaxListenersExceededWarning on the shared abort signal', async () => {
    fx = await setupFixture({dataset: 'small'})
    const all = fx.emu.world.containers().flatMap((c) => fx!.emu.world.repos(c.key)).map((r) => `${r.container}/${r.slug}`)
    expect(all.length).toBeGreaterThanOrEqual(12)
    fx.config.setSelection('default', all)
    const warnings: string[] = []
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`)
    }
    process.on('warning', onWarning)
    try {
      const report = await run(fx)
      expect(rowOf(report, 'repos')?.status).toBe('pass')
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([])
  })

  it('all good (Data Center): the version row passes', async () => {
    fx = await setupFixture({flavor: 'datacenter'})
    const report = await run(fx)
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([])
    expect(rowOf(report, 'dc-version')?.status).toBe('pass')
    expect(rowOf(report, 'dc-version')?.detail).toMatch(/Bitbucket Data Center \d+\.\d+/)
  })

  it('e-mail/username mix-up: the credential row fails and says to use the e-mail', async () => {
    fx = await setupFixture({email: (u) => u.name})
    const report = await run(fx)
    expect(report.ok).toBe(false)
    const row = rowOf(report, 'credential:1')
    expect(row?.status).toBe('fail')
    expect(row?.detail).toMatch(/looks like a Bitbucket username.*Atlassian account e-mail/)
    expect(row?.remedy).toMatch(/--email/)
    // Not the same 401 once per repository.
    expect(rowOf(report, 'repos')?.status).toBe('skip')
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['credential:1'])
  })

  it('missing scope: the scopes row names read:pullrequest:bitbucket (from 403 detail.required)', async () => {
    fx = await setupFixture({scopes: ['read:user:bitbucket', 'read:workspace:bitbucket', 'read:repository:bitbucket']})
    const report = await run(fx)
    expect(report.ok).toBe(false)
    expect(rowOf(report, 'scopes:1')?.status).toBe('fail')
    expect(rowOf(report, 'scopes:1')?.detail).toContain('read:pullrequest:bitbucket')
    expect(rowOf(report, 'credential:1')?.status).toBe('pass')
    expect(rowOf(report, `repo:${fx.selection[0]}`)?.detail).toMatch(/pull requests not readable/)
  })

  it('a selected repo deleted on the server fails naming it', async () => {
    fx = await setupFixture()
    const gone = fx.selection[1] as string
    await fx.emu.admin.mutate({type: 'repo.delete', repo: gone})
    const report = await run(fx)
    expect(report.ok).toBe(false)
    expect(rowOf(report, 'repos')?.status).toBe('fail')
    expect(rowOf(report, `repo:${gone}`)?.detail).toContain(`${gone} no longer exists`)
    expect(rowOf(report, `repo:${fx.selection[0]}`)).toBeUndefined()
  })

  it('rate limit exhausted: the rate-limit row fails, says per principal, and validate does not wait it out', async () => {
    fx = await setupFixture()
    fx.emu.admin.setRateLimit({requestsPerWindow: 1, windowMs: 3_600_000})
    const token = fx.emu.admin.tokens()[0]
    await fetch(`${fx.emu.apiBase}/user`, {headers: {authorization: token?.authorization ?? ''}})
    const t0 = Date.now()
    const report = await run(fx)
    expect(Date.now() - t0).toBeLessThan(6000)
    expect(report.ok).toBe(false)
    const rl = rowOf(report, 'rate-limit')
    expect(rl?.status).toBe('fail')
    expect(rl?.detail).toMatch(/429/)
    expect(rl?.detail).toMatch(/belongs to the principal/)
  })

  it('host down (closed port): reachability fails with ECONNREFUSED, request rows skip', async () => {
    const port = await freePort()
    fx = await setupFixture({url: () => `http://127.0.0.1:${port}/2.0`})
    const t0 = Date.now()
    const report = await run(fx)
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(report.ok).toBe(false)
    expect(rowOf(report, 'reachability')).toMatchObject({status: 'fail'})
    expect(rowOf(report, 'reachability')?.detail).toMatch(/TCP connect failed.*refused.*ECONNREFUSED/)
    expect(rowOf(report, 'credential:1')?.status).toBe('skip')
  })

  describe('self-signed TLS', () => {
    let dir: string
    let tls: {key: string; cert: string; certFile: string}
    afterEach(() => rmSync(dir, {recursive: true, force: true}))

    function makeCert() {
      dir = mkdtempSync(path.join(tmpdir(), 'bbi-tls-'))
      const keyFile = path.join(dir, 'key.pem')
      const certFile = path.join(dir, 'cert.pem')
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {stdio: 'pipe'})
      tls = {key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile}
    }

    it('untrusted: reachability fails at TLS and names --ca-file / NODE_EXTRA_CA_CERTS', async () => {
      makeCert()
      fx = await setupFixture({tls})
      expect(fx.connection.url).toMatch(/^https:/)
      const report = await run(fx)
      expect(report.ok).toBe(false)
      const row = rowOf(report, 'reachability')
      expect(row?.status).toBe('fail')
      expect(row?.detail).toMatch(/TLS handshake failed.*not trusted.*SELF_SIGNED/)
      expect(row?.remedy).toMatch(/--ca-file/)
      expect(row?.remedy).toMatch(/NODE_EXTRA_CA_CERTS/)
    })

    it('trusted with --ca-file: reachability and the credential pass', async () => {
      makeCert()
      fx = await setupFixture({tls, caFile: tls.certFile})
      const report = await run(fx)
      expect(rowOf(report, 'reachability')?.detail).toMatch(/certificate trusted/)
      expect(rowOf(report, 'reachability')?.status).toBe('pass')
      expect(rowOf(report, 'reachability')?.detail).toMatch(/certificate trusted/)
      expect(rowOf(report, 'credential:1')?.status).toBe('pass')
    })
  })
})
