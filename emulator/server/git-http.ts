/**
 * Git smart HTTP (fetch only), served by `git http-backend` as a CGI from the real repositories that
 * GitRepos builds from the world. Cloud serves `/{workspace}/{slug}.git/…`, Data Center
 * `/scm/{project}/{slug}.git/…`. Authentication follows each product's git rules:
 * - Cloud: Basic with the user `x-bitbucket-api-token-auth` (or the Bitbucket username) and an API
 *   token, or `x-token-auth` and an access token or OAuth access token. The Atlassian e-mail, which
 *   REST wants, is refused as a git username.
 * - Data Center: the REST rules (Bearer tokens, Basic username:token).
 * Cloud counts git requests in their own rolling hour (60,000 by default); Data Center draws them
 * from the same token bucket as REST.
 */
import {spawn} from 'node:child_process'
import {basename, dirname} from 'node:path'
import type {ServerResponse} from 'node:http'

import {cloudError} from '../cloud/errors.js'
import type {EmulatorCore} from './core.js'
import type {GitRepos} from './git-repos.js'
import type {EmuRequest, EmuResponse, Principal} from './types.js'
import {send} from './respond.js'

export const CLOUD_GIT_REQUESTS_PER_HOUR = 60_000
const HOUR_MS = 3_600_000
const BACKEND_TIMEOUT_MS = 300_000

const CLOUD_PATH = /^\/([^/]+)\/([^/]+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/
const DC_PATH = /^\/scm\/([^/]+)\/([^/]+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/

export interface GitTarget {
  repo: string
  service: string
}

/** The repository and git service a path names, or null when it is no git path. */
export function gitTarget(core: EmulatorCore, path: string): GitTarget | null {
  const m = (core.flavor.flavor === 'cloud' ? CLOUD_PATH : DC_PATH).exec(path)
  if (!m) return null
  const [, owner = '', slug = '', service = ''] = m
  let container = decodeURIComponent(owner)
  if (core.flavor.flavor === 'datacenter') {
    // Clone URLs spell the project key in lower case.
    container = core.world.containers().find((c) => c.key.toLowerCase() === container.toLowerCase())?.key ?? container
  }
  return {repo: `${container}/${decodeURIComponent(slug)}`, service}
}

function gitChallenge(message: string): EmuResponse {
  return {status: 401, headers: {'WWW-Authenticate': 'Basic realm="Bitbucket.org HTTP"'}, body: `${message}\n`}
}

function cloudGitAuth(core: EmulatorCore, req: EmuRequest): Principal | EmuResponse {
  const header = req.headers.authorization
  if (!header) return gitChallenge('Authentication required.')
  const [scheme = '', value = ''] = header.split(/\s+/, 2)
  if (scheme.toLowerCase() !== 'basic') return gitChallenge('Git over HTTPS takes Basic credentials.')
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return gitChallenge('Invalid credentials.')
  const login = decoded.slice(0, colon)
  const secret = decoded.slice(colon + 1)
  const {credentials} = core.state
  if (login === 'x-token-auth') {
    const oauth = credentials.oauthAccess(secret)
    if (oauth) {
      if (oauth.validity !== 'ok') return gitChallenge('Access token is not valid.')
      return {budgetKey: `consumer:${oauth.consumer.id}`, user: oauth.token.user, kind: 'oauth', scopes: oauth.token.scopes}
    }
    const token = credentials.bySecret(secret)
    if (!token || token.kind !== 'access-token' || credentials.validity(token) !== 'ok') return gitChallenge('Invalid credentials.')
    return {budgetKey: `token:${token.id}`, user: null, kind: 'access-token', scopes: token.scopes, boundTo: token.boundTo ?? undefined}
  }
  const credential = credentials.bySecret(secret)
  if (!credential || credential.kind !== 'api-token' || credentials.validity(credential) !== 'ok') return gitChallenge('Invalid credentials.')
  const user = credential.user ? core.world.userByKey(credential.user) : undefined
  const names = ['x-bitbucket-api-token-auth', user?.slug, user?.name].filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase())
  if (!names.includes(login.toLowerCase())) {
    const email = (credential.login ?? user?.email ?? '').toLowerCase()
    return gitChallenge(login.toLowerCase() === email
      ? 'Invalid credentials. Git over HTTPS with an API token takes the username x-bitbucket-api-token-auth (or your Bitbucket username), not your e-mail address.'
      : 'Invalid credentials.')
  }
  return {budgetKey: `user:${credential.user ?? credential.id}`, user: credential.user, kind: 'api-token', scopes: credential.scopes}
}

function rateLimit(core: EmulatorCore, principal: Principal): EmuResponse | null {
  const {state} = core
  if (core.flavor.flavor === 'datacenter') {
    const decision = core.flavor.rateLimit(principal, state.now(), state)
    return decision.ok ? null : decision.response
  }
  if (state.rateLimit === null) return null
  const hit = state.windows.hit(`git:${principal.budgetKey}`, state.now(), CLOUD_GIT_REQUESTS_PER_HOUR, HOUR_MS)
  if (hit.ok) return null
  return {status: 429, headers: {'Retry-After': String(Math.max(1, Math.ceil((hit.resetAt - state.now()) / 1000)))}, body: 'Rate limit for git operations exceeded.\n'}
}

/** Answer one git request; the response is streamed from `git http-backend`. */
export async function serveGit(core: EmulatorCore, repos: GitRepos, target: GitTarget, req: EmuRequest, res: ServerResponse): Promise<void> {
  core.stats.countGit(`GIT ${target.service === 'info/refs' ? `info/refs?service=${req.query.get('service') ?? ''}` : target.service}`)
  const reply = (r: EmuResponse): void => {
    core.stats.status(r.status)
    send(res, r)
  }
  const auth = core.flavor.flavor === 'cloud' ? cloudGitAuth(core, req) : core.flavor.authenticate(req, core.world, core.state)
  if ('status' in auth) return reply(auth)
  const limited = rateLimit(core, auth)
  if (limited) return reply(limited)
  if (target.service === 'git-receive-pack' || req.query.get('service') === 'git-receive-pack') {
    return reply(core.flavor.flavor === 'cloud' ? cloudError(403, 'This emulator serves fetches only.') : {status: 403, body: 'This emulator serves fetches only.\n'})
  }
  if (!core.world.repo(target.repo)) return reply({status: 404, body: 'Repository not found.\n'})
  const dir = await repos.ensure(core.world, target.repo)
  await backend(dir, target, req, res, (status) => core.stats.status(status))
}

function backend(dir: string, target: GitTarget, req: EmuRequest, res: ServerResponse, onStatus: (status: number) => void): Promise<void> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: dirname(dir),
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${basename(dir)}/${target.service}`,
      REQUEST_METHOD: req.method,
      QUERY_STRING: req.query.toString(),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: String(req.rawBody.length),
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: 'git',
    }
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding'])
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol'])
    const child = spawn('git', ['http-backend'], {env, stdio: ['pipe', 'pipe', 'ignore'], timeout: BACKEND_TIMEOUT_MS})
    child.stdin.on('error', () => {})
    child.stdin.end(req.rawBody)
    let head = Buffer.alloc(0)
    let started = false
    child.stdout.on('data', (chunk: Buffer) => {
      if (started) {
        res.write(chunk)
        return
      }
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      const endLf = head.indexOf('\n\n')
      const cut = end >= 0 ? end + 4 : endLf >= 0 ? endLf + 2 : -1
      if (cut < 0) return
      started = true
      let status = 200
      const headers: Record<string, string> = {}
      for (const line of head.subarray(0, cut).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':')
        if (colon <= 0) continue
        const name = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200
        else headers[name] = value
      }
      onStatus(status)
      res.writeHead(status, headers)
      res.write(head.subarray(cut))
    })
    child.on('close', () => {
      if (!started) {
        onStatus(500)
        if (!res.headersSent) res.writeHead(500, {'content-type': 'text/plain'})
      }
      res.end()
      resolve()
    })
    child.on('error', () => {
      if (!res.headersSent) res.writeHead(500, {'content-type': 'text/plain'})
      res.end()
      resolve()
    })
  })
}
