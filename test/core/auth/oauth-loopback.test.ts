import {createHash} from 'node:crypto'
import {createServer, type Server} from 'node:net'
import {describe, expect, it} from 'vitest'

import {browserOpener} from '../../../src/core/auth/oauth/browser.js'
import {oauthEndpoints} from '../../../src/core/auth/oauth/endpoints.js'
import {runOAuthLogin} from '../../../src/core/auth/oauth/flow.js'
import {startLoopback} from '../../../src/core/auth/oauth/loopback.js'
import {createPkce, randomToken} from '../../../src/core/auth/oauth/pkce.js'
import {AuthError, InterruptedError, UsageError} from '../../../src/core/errors.js'
import {freePort, portIsFree} from '../../helpers/net.js'


describe('PKCE and state', () => {
  it('makes a 256-bit state and an S256 challenge of the verifier', () => {
    expect(Buffer.from(randomToken(), 'base64url')).toHaveLength(32)
    expect(randomToken()).not.toBe(randomToken())
    const pkce = createPkce()
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(pkce.challenge).toBe(createHash('sha256').update(pkce.verifier).digest('base64url'))
  })

  it('knows the Cloud and Data Center endpoints', () => {
    expect(oauthEndpoints('cloud', {url: 'https://api.bitbucket.org/2.0'})).toEqual({
      authorize: 'https://bitbucket.org/site/oauth2/authorize',
      token: 'https://bitbucket.org/site/oauth2/access_token',
      clientAuth: 'basic',
    })
    expect(oauthEndpoints('datacenter', {url: 'https://bb.corp/'})).toEqual({
      authorize: 'https://bb.corp/rest/oauth2/latest/authorize',
      token: 'https://bb.corp/rest/oauth2/latest/token',
      clientAuth: 'form',
    })
  })
})

describe('loopback server', () => {
  it('accepts the callback with the right state, shows a success page and closes', async () => {
    const port = await freePort()
    const loop = await startLoopback({port, state: 'S1'})
    expect(loop.redirectUri).toBe(`http://127.0.0.1:${port}/callback`)
    const favicon = await fetch(`http://127.0.0.1:${port}/favicon.ico`)
    expect(favicon.status).toBe(404)
    const page = await fetch(`${loop.redirectUri}?code=C0DE&state=S1`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Logged in')
    expect(await loop.code).toBe('C0DE')
    await loop.close()
    expect(await portIsFree(port)).toBe(true)
  })

  it('answers a wrong or missing state with 400 and keeps waiting for the right callback', async () => {
    const port = await freePort()
    const ignored: string[] = []
    const loop = await startLoopback({port, state: 'expected', onIgnored: (m) => ignored.push(m)})
    let settled = false
    void loop.code.then(() => (settled = true), () => (settled = true))
    for (const query of ['?code=C&state=forged', '?code=C', '?error=access_denied&state=forged', '']) {
      const page = await fetch(`${loop.redirectUri}${query}`)
      expect(page.status, query).toBe(400)
      expect(await page.text()).toContain('ignored')
    }
    expect(ignored).toHaveLength(4)
    expect(ignored[0]).toMatch(/still waiting/)
    expect(settled).toBe(false)
    // The real answer still completes the login.
    const good = await fetch(`${loop.redirectUri}?code=REAL&state=expected`)
    expect(good.status).toBe(200)
    expect(await loop.code).toBe('REAL')
    await loop.close()
    expect(await portIsFree(port)).toBe(true)
  })

  it('a wrong state alone never logs in: the login ends at its timeout', async () => {
    const loop = await startLoopback({port: await freePort(), state: 'expected', timeoutMs: 300})
    expect((await fetch(`${loop.redirectUri}?code=C&state=forged`)).status).toBe(400)
    const error = await loop.code.catch((e: unknown) => e)
    await loop.close()
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).code).toBe('oauth_timeout')
  })

  it('reports the provider refusing (error=access_denied)', async () => {
    const loop = await startLoopback({port: await freePort(), state: 's'})
    await fetch(`${loop.redirectUri}?error=access_denied&error_description=User+said+no&state=s`)
    await expect(loop.code).rejects.toThrow(/access_denied \(User said no\)/)
    await loop.close()
  })

  it('times out with a clear message when the browser never comes back', async () => {
    const loop = await startLoopback({port: await freePort(), state: 's', timeoutMs: 200})
    const error = await loop.code.catch((e: unknown) => e)
    await loop.close()
    expect(error).toBeInstanceOf(AuthError)
    expect((error as Error).message).toMatch(/^Timed out after 0\.2 s waiting for the browser to return to http:\/\/127\.0\.0\.1:\d+\/callback/)
  })

  it('is cancelled by the abort signal (Ctrl-C) as an InterruptedError', async () => {
    const controller = new AbortController()
    const loop = await startLoopback({port: await freePort(), state: 's', signal: controller.signal})
    controller.abort()
    const error = await loop.code.catch((e: unknown) => e)
    await loop.close()
    expect(error).toBeInstanceOf(InterruptedError)
    expect((error as InterruptedError).exitCode).toBe(4)
  })

  it('names the port and --callback-port when the port is taken', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as {port: number}).port
    try {
      const error = await startLoopback({port, state: 's'}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).message).toContain(`127.0.0.1:${port}`)
      expect((error as UsageError).remedy).toContain('--callback-port')
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()))
    }
  })
})

describe('runOAuthLogin', () => {
  it('builds the authorize URL with state, PKCE and redirect_uri, and closes the server on failure', async () => {
    const port = await freePort()
    let seen: URL | undefined
    const error = await runOAuthLogin({
      provider: 'cloud',
      url: 'https://api.bitbucket.org/2.0',
      oauthUrl: 'http://127.0.0.1:1',
      clientId: 'KEY',
      clientSecret: 'SECRET',
      callbackPort: port,
      // A forged state is ignored; the login then ends at its timeout.
      timeoutMs: 1500,
      onAuthorizeUrl: (u) => (seen = new URL(u)),
      // A "browser" that answers with a forged state.
      openBrowser: async (u) => {
        const redirect = new URL(u).searchParams.get('redirect_uri') as string
        await fetch(`${redirect}?code=x&state=wrong`)
      },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(seen?.origin + (seen?.pathname ?? '')).toBe('http://127.0.0.1:1/site/oauth2/authorize')
    const params = Object.fromEntries(seen?.searchParams ?? [])
    expect(params).toMatchObject({client_id: 'KEY', response_type: 'code', redirect_uri: `http://127.0.0.1:${port}/callback`, code_challenge_method: 'S256'})
    expect(Buffer.from(params.state as string, 'base64url')).toHaveLength(32)
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(JSON.stringify(params)).not.toContain('SECRET')
    expect(await portIsFree(port)).toBe(true)
  })

  it('honours BROWSER: spawns it with the URL as an argument', async () => {
    const {mkdtempSync, readFileSync, writeFileSync, chmodSync, existsSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const dir = mkdtempSync(`${tmpdir()}/bbi-browser-`)
    const script = `${dir}/browser.sh`
    // Written whole, then renamed: the test never reads a file the shell has created but not yet filled.
    writeFileSync(script, `#!/bin/sh\necho "$1" > ${dir}/opened.tmp && mv ${dir}/opened.tmp ${dir}/opened\n`)
    chmodSync(script, 0o755)
    await browserOpener({BROWSER: script})('http://127.0.0.1:9/x?y=1')
    const deadline = Date.now() + 5000
    while (!existsSync(`${dir}/opened`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(readFileSync(`${dir}/opened`, 'utf8').trim()).toBe('http://127.0.0.1:9/x?y=1')
  })
})
