/** The emulator's git endpoints: real clones whose hashes and file changes are the REST world's. */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator} from '../../emulator/index.js'
import type {RunningEmulator} from '../../emulator/index.js'

const run = promisify(execFile)

async function git(args: string[], header: string | null, cwd?: string): Promise<{stdout: string; stderr: string}> {
  const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: tmpdir(), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1'}
  if (header) Object.assign(env, {GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${header}`})
  return run('git', args, {env, cwd, maxBuffer: 1 << 28, timeout: 60_000})
}

const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`

function refsOf(emu: RunningEmulator, key: string): string[] {
  return emu.world.detail(key).branches.map((b) => `${b.head} refs/heads/${b.name}`).sort()
}

async function mirrorRefs(dir: string): Promise<string[]> {
  const {stdout} = await git(['--git-dir', dir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads'], null)
  return stdout.split('\n').filter(Boolean).sort()
}

describe.each(['cloud', 'datacenter'] as const)('git smart HTTP on %s', (flavor) => {
  let emu: RunningEmulator
  let work: string
  let key: string
  let cloneUrl: string
  let auth: string

  beforeAll(async () => {
    emu = await startEmulator({flavor, dataset: 'tiny', seed: 3})
    work = mkdtempSync(join(tmpdir(), 'bb-git-http-'))
    const repo = emu.world.containers().flatMap((c) => emu.world.repos(c.key)).find((r) => r.defaultBranch !== null)
    if (!repo) throw new Error('no repository with commits')
    key = `${repo.container}/${repo.slug}`
    cloneUrl = flavor === 'cloud' ? `${emu.url}/${key}.git` : `${emu.url}/scm/${repo.container.toLowerCase()}/${repo.slug}.git`
    if (flavor === 'cloud') {
      const token = emu.admin.createToken({kind: 'api-token'})
      auth = basic('x-bitbucket-api-token-auth', token.secret)
    } else {
      auth = emu.admin.createToken({kind: 'pat', scopes: ['REPO_READ']}).authorization as string
    }
  })

  afterAll(async () => {
    await emu.close()
    rmSync(work, {recursive: true, force: true})
  })

  it('clones a mirror whose branches, hashes and numstat are the world\'s', async () => {
    const dir = join(work, 'first.git')
    await git(['clone', '--mirror', '--quiet', cloneUrl, dir], auth)
    expect(await mirrorRefs(dir)).toEqual(refsOf(emu, key))
    const detail = emu.world.detail(key)
    const {stdout} = await git(['-c', 'core.quotePath=false', '--git-dir', dir, 'log', '--branches', '--format=%H', '--numstat', '-M', '--diff-merges=first-parent'], null)
    const fromGit = new Map<string, string[]>()
    let current = ''
    for (const line of stdout.split('\n')) {
      if (/^[0-9a-f]{40}$/.test(line)) fromGit.set((current = line), [])
      else if (line) fromGit.get(current)?.push(line.replace(/\t/g, ' '))
    }
    expect([...fromGit.keys()].sort()).toEqual(detail.commits.map((c) => c.hash).sort())
    for (const c of detail.commits) {
      const want = c.files.map((f) => `${f.linesAdded} ${f.linesRemoved} ${f.oldPath === null ? f.path : gitRename(f.oldPath, f.path)}`).sort()
      expect((fromGit.get(c.hash) ?? []).sort(), c.hash).toEqual(want)
    }
  })

  it('fetches what a push adds and drops a merged source branch', async () => {
    const dir = join(work, 'fetch.git')
    await git(['clone', '--mirror', '--quiet', cloneUrl, dir], auth)
    const open = emu.world.detail(key).pullRequests.find((p) => p.state === 'OPEN')
    await emu.admin.mutate({type: 'push', repo: key, commits: 3})
    if (open) await emu.admin.mutate({type: 'pr.merge', repo: key, id: open.id})
    await git(['--git-dir', dir, 'fetch', '--prune', '--quiet', 'origin'], auth)
    expect(await mirrorRefs(dir)).toEqual(refsOf(emu, key))
  })

  it('refuses a missing credential and a push', async () => {
    await expect(git(['ls-remote', cloneUrl], null)).rejects.toThrow(/Authentication failed|could not read Username|terminal prompts disabled/)
    const receive = await fetch(`${cloneUrl}/info/refs?service=git-receive-pack`, {headers: {Authorization: auth}})
    expect(receive.status).toBe(403)
  })

  it('counts git requests apart from REST routes', async () => {
    const before = emu.stats()
    await git(['ls-remote', cloneUrl], auth)
    const after = emu.stats()
    const route = 'GIT info/refs?service=git-upload-pack'
    expect((after.byRoute[route] ?? 0) - (before.byRoute[route] ?? 0)).toBe(1)
    // Protocol v2: the advertisement, then one ls-refs command.
    expect(after.git - before.git).toBe(2)
    expect(after.total).toBe(before.total)
  })
})

describe('Cloud git usernames', () => {
  it('refuses the e-mail address that REST takes, and accepts x-token-auth with an access token', async () => {
    const emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 3})
    try {
      const repo = emu.world.containers().flatMap((c) => emu.world.repos(c.key)).find((r) => r.defaultBranch !== null)
      const url = `${emu.url}/${repo?.container}/${repo?.slug}.git/info/refs?service=git-upload-pack`
      const token = emu.admin.createToken({kind: 'api-token'})
      const byEmail = await fetch(url, {headers: {Authorization: token.authorization as string}})
      expect(byEmail.status).toBe(401)
      expect(await byEmail.text()).toMatch(/x-bitbucket-api-token-auth/)
      const access = emu.admin.createToken({kind: 'access-token'})
      const ok = await fetch(url, {headers: {Authorization: basic('x-token-auth', access.secret)}})
      expect(ok.status).toBe(200)
      expect(ok.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement')
    } finally {
      await emu.close()
    }
  })
})

/** How `git log --numstat` prints a rename without -z: the common prefix and suffix folded into braces. */
function gitRename(from: string, to: string): string {
  const a = from.split('/')
  const b = to.split('/')
  let pre = 0
  while (pre < a.length - 1 && pre < b.length - 1 && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - 1 - pre && suf < b.length - 1 - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  if (pre === 0 && suf === 0) return `${from} => ${to}`
  const head = a.slice(0, pre).join('/')
  const tail = a.slice(a.length - suf).join('/')
  const mid = `{${a.slice(pre, a.length - suf).join('/')} => ${b.slice(pre, b.length - suf).join('/')}}`
  return [head, mid, tail].filter((x) => x !== '').join('/')
}
