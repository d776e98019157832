/**
 * Cloud `repo:push` deliveries as Cloud shapes them: per moved ref, `old` and `new` with their targets,
 * at most 5 commits (newest first) and `truncated` past that, and the `links.commits` query that lists
 * them all (include the new head, exclude the old).
 */
import {createServer} from 'node:http'
import type {Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator} from '../../emulator/index.js'
import type {RunningEmulator} from '../../emulator/index.js'

interface Change {
  old: {name: string; target: {hash: string}} | null
  new: {name: string; target: {hash: string}} | null
  truncated: boolean
  forced: boolean
  closed: boolean
  commits: Array<{hash: string; parents: Array<{hash: string}>}>
  links: {commits: {href: string}}
}

describe('Cloud repo:push payload', () => {
  let emu: RunningEmulator
  let server: Server
  const bodies: Array<{push: {changes: Change[]}}> = []
  let repo = ''

  beforeAll(async () => {
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 3, rateLimit: null})
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as {push: {changes: Change[]}})
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    repo = emu.world.containers().flatMap((c) => emu.world.repos(c.key).map((r) => `${c.key}/${r.slug}`))[0]!
    emu.state.hooks.add({
      id: '{0d6f0000-0000-4000-8000-00000000c001}', scope: {type: 'repository', key: repo}, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      description: 'x', events: ['repo:push'], active: true, secret: null, createdAt: new Date().toISOString(), extra: {},
    })
  })
  afterAll(async () => {
    await emu.close()
    server.close()
  })

  it('lists at most 5 commits and says truncated past that; a small push lists them all', async () => {
    const headBefore = (branch: string) => emu.world.detail(repo).branches.find((b) => b.name === branch)?.head
    const seven = await emu.admin.mutate({type: 'push', repo, commits: 7}, {wait: true})
    const branch = String(seven.details.branch)
    const pushed = seven.details.commits as string[]
    const big = bodies.at(-1)!.push.changes[0]!
    expect(big.new!.name).toBe(branch)
    expect(big.new!.target.hash).toBe(headBefore(branch))
    expect(big.truncated).toBe(true)
    expect(big.commits).toHaveLength(5)
    expect(big.commits[0]!.hash).toBe(big.new!.target.hash)
    expect(big.commits.map((c) => c.hash).every((h) => pushed.includes(h))).toBe(true)
    expect(big.links.commits.href).toContain(`include=${big.new!.target.hash}&exclude=${big.old!.target.hash}`)

    const oldHead = headBefore(branch)
    await emu.admin.mutate({type: 'push', repo, branch, commits: 2}, {wait: true})
    const small = bodies.at(-1)!.push.changes[0]!
    expect(small.old!.target.hash).toBe(oldHead)
    expect(small.truncated).toBe(false)
    expect(small.commits).toHaveLength(2)
    expect(small.commits[1]!.parents[0]!.hash).toBe(oldHead)
    expect(small.forced).toBe(false)
  })

  it('a force-push says forced; a deleted branch is a closed change with no new ref', async () => {
    await emu.admin.mutate({type: 'push', repo, branch: 'topic/x', commits: 2}, {wait: true})
    const before = emu.world.detail(repo).branches.find((b) => b.name === 'topic/x')!.head
    await emu.admin.mutate({type: 'push', repo, branch: 'topic/x', drop: 1, commits: 1}, {wait: true})
    const forced = bodies.at(-1)!.push.changes[0]!
    expect(forced.forced).toBe(true)
    expect(forced.old!.target.hash).toBe(before)
    expect(forced.commits.map((x) => x.hash)).toEqual([forced.new!.target.hash])
    await emu.admin.mutate({type: 'branch.delete', repo, branch: 'topic/x'}, {wait: true})
    const closed = bodies.at(-1)!.push.changes[0]!
    expect(closed).toMatchObject({new: null, closed: true, forced: false})
    expect(closed.old!.name).toBe('topic/x')
  })
})
