/**
 * The DC rendering of a generated world carries everything the truth says a sync must store: mapping
 * the DC JSON back (the way a DC client must) reproduces truth() for pull requests, reviews, commits
 * and commit files. Also runs every world mutation through the DC webhook payloads.
 */
import {createServer} from 'node:http'
import type {Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Commit, CommitFile, PullRequest, Review} from '../../src/core/model.js'
import {startEmulator} from '../../emulator/index.js'
import type {RunningEmulator} from '../../emulator/index.js'
import type {WRepo} from '../../emulator/world/types.js'
import {call} from './helpers.js'
import type {Any} from './helpers.js'

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString())
const STATUS = {ADD: 'added', MODIFY: 'modified', DELETE: 'removed', MOVE: 'renamed'} as const

describe('DC rendering of a generated world', () => {
  let emu: RunningEmulator
  let auth: string
  let repo: WRepo
  let key: string

  async function all(path: string): Promise<Any[]> {
    const out: Any[] = []
    let start: number | undefined = 0
    while (start !== undefined) {
      const sep = path.includes('?') ? '&' : '?'
      const r = await call(emu, `${path}${sep}start=${start}&limit=1000`, {auth})
      expect(r.status, `${path}: ${r.text.slice(0, 200)}`).toBe(200)
      out.push(...r.body.values)
      start = r.body.isLastPage ? undefined : r.body.nextPageStart
    }
    return out
  }

  beforeAll(async () => {
    emu = await startEmulator({flavor: 'datacenter', seed: 11, dataset: 'tiny', rateLimit: null, webhooks: {retryDelayMs: 1}})
    auth = (await emu.admin.demoCredential()).authorization
    const repos = emu.world.containers().flatMap((c) => emu.world.repos(c.key))
    repo = repos.map((r) => ({r, n: emu.world.detail(`${r.container}/${r.slug}`).pullRequests.length})).sort((a, b) => b.n - a.n)[0]?.r as WRepo
    key = `${repo.container}/${repo.slug}`
  })
  afterAll(() => emu.close())

  const base = (): string => `/rest/api/latest/projects/${repo.container}/repos/${repo.slug}`

  it('pull requests and reviews map back to the truth', async () => {
    const prs = await all(`${base()}/pull-requests?state=ALL`)
    const mapped: PullRequest[] = prs.map((p) => ({
      repo: key, id: p.id, title: p.title, state: p.state, author: p.author.user.slug,
      sourceBranch: p.fromRef.displayId, targetBranch: p.toRef.displayId,
      createdAt: iso(p.createdDate) as string, updatedAt: iso(p.updatedDate) as string, closedAt: iso(p.closedDate),
      mergeCommit: p.properties?.mergeCommit?.id ?? null, commentCount: p.properties?.commentCount ?? 0,
    }))
    const truth = emu.admin.truth('pullRequest').filter((p) => p.repo === key)
    expect(truth.length).toBeGreaterThan(0)
    expect(mapped.sort((a, b) => a.id - b.id)).toEqual(truth)

    const reviews: Review[] = []
    for (const p of prs) {
      const activities = await all(`${base()}/pull-requests/${p.id}/activities`)
      for (const r of p.reviewers.concat(p.participants)) {
        if (r.status === 'UNAPPROVED') continue
        const action = r.status === 'APPROVED' ? 'APPROVED' : 'REVIEWED'
        // Activities are newest first: the first match is the latest time the state was set.
        const set = activities.find((a) => a.action === action && a.user.slug === r.user.slug)
        reviews.push({repo: key, pullRequest: p.id, user: r.user.slug, state: r.status === 'APPROVED' ? 'APPROVED' : 'CHANGES_REQUESTED', at: iso(set?.createdDate)})
      }
    }
    expect(reviews.length).toBeGreaterThan(0)
    const order = (a: Review, b: Review): number => a.pullRequest - b.pullRequest || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0)
    expect(reviews.sort(order)).toEqual(emu.admin.truth('review').filter((r) => r.repo === key).sort(order))
  })

  it('commits reachable from every branch, and their files, map back to the truth', async () => {
    const branches = await all(`${base()}/branches`)
    const until = branches.map((b) => `until=${encodeURIComponent(b.id)}`).join('&')
    const commits = await all(`${base()}/commits?${until}`)
    const mapped: Commit[] = commits.map((c) => ({
      repo: key, hash: c.id, authorName: c.author.displayName ?? c.author.name, authorEmail: c.author.emailAddress,
      authorAccount: c.author.slug ?? null, date: iso(c.authorTimestamp) as string, message: c.message, parents: c.parents.map((p: Any) => p.id),
    }))
    expect(mapped.length).toBeGreaterThan(1)
    const byHash = (a: {hash: string}, b: {hash: string}): number => (a.hash < b.hash ? -1 : 1)
    expect(mapped.sort(byHash)).toEqual(emu.admin.truth('commit').filter((c) => c.repo === key))

    const files: CommitFile[] = []
    for (const c of commits.slice(0, 40)) {
      for (const ch of await all(`${base()}/commits/${c.id}/changes`)) {
        files.push({repo: key, commit: c.id, path: ch.path.toString, oldPath: ch.srcPath?.toString ?? null, status: STATUS[ch.type as keyof typeof STATUS], linesAdded: null, linesRemoved: null})
      }
    }
    expect(files.length).toBeGreaterThan(0)
    const sample = new Set(commits.slice(0, 40).map((c) => c.id as string))
    const order = (a: CommitFile, b: CommitFile): number => (a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
    expect(files.sort(order)).toEqual(emu.admin.truth('commitFile').filter((f) => f.repo === key && sample.has(f.commit)).sort(order))
  })

  describe('webhook deliveries for every mutation', () => {
    let receiver: Server
    const got: Array<{event: string; body: Any}> = []
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          got.push({event: String(req.headers['x-event-key']), body: JSON.parse(Buffer.concat(chunks).toString('utf8'))})
          res.writeHead(200).end()
        })
      })
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    })
    afterAll(() => new Promise((r) => receiver.close(r)))

    it('raises DC event keys with DC payloads', async () => {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`
      const events = ['repo:refs_changed', 'pr:opened', 'pr:from_ref_updated', 'pr:merged', 'pr:declined', 'pr:reviewer:approved', 'pr:reviewer:needs_work', 'pr:comment:added']
      const created = await call(emu, `/rest/api/latest/projects/${repo.container}/webhooks`, {method: 'POST', auth, body: {name: 'all', url, events}})
      expect(created.status).toBe(200)
      const opened = await emu.admin.mutate({type: 'pr.create', repo: key, title: 'Webhook check'}, {wait: true})
      const id = Number(opened.details.id)
      await emu.admin.mutate({type: 'pr.approve', repo: key, id}, {wait: true})
      await emu.admin.mutate({type: 'pr.requestChanges', repo: key, id}, {wait: true})
      await emu.admin.mutate({type: 'pr.comment', repo: key, id, text: 'webhook comment'}, {wait: true})
      await emu.admin.mutate({type: 'push', repo: key, branch: opened.details.sourceBranch as string}, {wait: true})
      const acts = await all(`${base()}/pull-requests/${id}/activities`)
      // Newest first: the push to the source branch, then the review history, then the opening.
      expect(acts.map((a) => a.action)).toEqual(['RESCOPED', 'COMMENTED', 'REVIEWED', 'APPROVED', 'OPENED'])
      await emu.admin.mutate({type: 'pr.merge', repo: key, id}, {wait: true})
      const second = await emu.admin.mutate({type: 'pr.create', repo: key}, {wait: true})
      await emu.admin.mutate({type: 'pr.decline', repo: key, id: Number(second.details.id)}, {wait: true})

      const keys = new Set(got.map((g) => g.event))
      expect([...keys].sort()).toEqual([...events].sort())
      for (const g of got) {
        expect(g.body.eventKey).toBe(g.event)
        expect(g.body.date).toMatch(/\+0000$/)
        expect(g.body.actor.slug).toEqual(expect.any(String))
      }
      const comment = got.find((g) => g.event === 'pr:comment:added')
      expect(comment?.body.comment.text).toBe('webhook comment')
      const merged = got.find((g) => g.event === 'pr:merged')
      expect(merged?.body.pullRequest).toMatchObject({id, state: 'MERGED', properties: {mergeCommit: {id: expect.stringMatching(/^[0-9a-f]{40}$/)}}})
      const rescoped = got.find((g) => g.event === 'pr:from_ref_updated')
      expect(rescoped?.body.previousFromHash).toMatch(/^[0-9a-f]{40}$/)
      expect(rescoped?.body.pullRequest.fromRef.latestCommit).not.toBe(rescoped?.body.previousFromHash)
      for (const push of got.filter((g) => g.event === 'repo:refs_changed')) {
        for (const c of push.body.changes) expect(c.fromHash, JSON.stringify(c)).not.toBe(c.toHash)
      }
      // The merge closed the source branch: DC reports its deletion.
      const source = opened.details.sourceBranch as string
      expect(got.some((g) => g.event === 'repo:refs_changed' && g.body.changes.some((c: Any) => c.type === 'DELETE' && c.ref.displayId === source))).toBe(true)
      const needsWork = got.find((g) => g.event === 'pr:reviewer:needs_work')
      expect(needsWork?.body.participant.status).toBe('NEEDS_WORK')
    })
  })
})
