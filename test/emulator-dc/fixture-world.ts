/**
 * A small hand-built World for the Data Center flavour tests: every value is known, so tests can assert
 * exact DC renderings (epoch dates, SUPERSEDED → DECLINED, NEEDS_WORK, MOVE with srcPath, …) without
 * depending on the generator's choices. Mutations cover what the webhook tests need.
 */
import type {Mutation, MutationResult, WCommit, WContainer, WPullRequest, WRepo, WRepoDetail, WUser, World} from '../../emulator/world/types.js'

const hex = (n: number): string => n.toString(16).padStart(2, '0').repeat(20)

export const ALICE: WUser = {uuid: '{a1a1a1a1-0000-4000-8000-000000000001}', accountId: '557058:a', slug: 'alice', name: 'alice', displayName: 'Alice Able', email: 'alice@example.com', numericId: 11}
export const BOB: WUser = {uuid: '{b2b2b2b2-0000-4000-8000-000000000002}', accountId: '557058:b', slug: 'bob', name: 'Bob', displayName: 'Bob Baker', email: 'bob@example.com', numericId: 12}
export const CAROL: WUser = {uuid: '{c3c3c3c3-0000-4000-8000-000000000003}', accountId: '557058:c', slug: 'carol', name: 'carol', displayName: 'Carol Cole', email: 'carol@example.com', numericId: 13}

const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString()

function commit(n: number, parents: number[], minutes: number, author: WUser | null, files: WCommit['files']): WCommit {
  return {hash: hex(n), parents: parents.map(hex), authorName: author?.displayName ?? 'Ghost Writer', authorEmail: author?.email ?? 'ghost@nowhere.test', author: author?.uuid ?? null, date: at(minutes), message: `Commit ${n} PROJ-${n}\n\nbody ${n}`, files}
}

function repo(container: string, slug: string, id: number, defaultBranch: string | null): WRepo {
  return {container, slug, name: slug.charAt(0).toUpperCase() + slug.slice(1), projectKey: container, isPrivate: true, defaultBranch, createdAt: at(0), updatedAt: at(100), uuid: `{0000${id.toString(16).padStart(4, '0')}-1111-4222-8333-444455556666}`, numericId: id}
}

function alphaDetail(): WRepoDetail {
  // main: 1 ← 2 ← 3 ← 4 ← 5 ← 7(merge of 5 and 6); feature/x: 3 ← 6
  const commits: WCommit[] = [
    commit(7, [5, 6], 70, ALICE, [{path: 'src/app.ts', oldPath: null, status: 'modified', linesAdded: 3, linesRemoved: 1}]),
    commit(6, [3], 60, BOB, [{path: 'lib/new.ts', oldPath: 'lib/old.ts', status: 'renamed', linesAdded: 0, linesRemoved: 0}]),
    commit(5, [4], 50, null, [{path: 'README', oldPath: null, status: 'removed', linesAdded: 0, linesRemoved: 4}]),
    commit(4, [3], 40, CAROL, [{path: 'docs/guide.md', oldPath: null, status: 'added', linesAdded: 10, linesRemoved: 0}]),
    commit(3, [2], 30, ALICE, [{path: 'src/app.ts', oldPath: null, status: 'modified', linesAdded: 1, linesRemoved: 1}]),
    commit(2, [1], 20, BOB, [{path: 'src/app.ts', oldPath: null, status: 'added', linesAdded: 5, linesRemoved: 0}]),
    commit(1, [], 10, ALICE, Array.from({length: 30}, (_, i) => ({path: `seed/file-${i}.txt`, oldPath: null, status: 'added' as const, linesAdded: 1, linesRemoved: 0}))),
  ]
  const pr = (id: number, state: WPullRequest['state'], extra: Partial<WPullRequest> = {}): WPullRequest => ({
    id, title: `PR ${id} PROJ-${id}`, description: id === 1 ? 'Adds things' : '', state, author: ALICE.uuid, sourceBranch: 'feature/x', sourceCommit: hex(6), targetBranch: 'main',
    createdAt: at(100 + id), updatedAt: at(200 + id), closedAt: state === 'OPEN' ? null : at(200 + id), mergeCommit: state === 'MERGED' ? hex(7) : null,
    commentCount: 0, participants: [], activity: [], version: 1, ...extra,
  })
  return {
    repo: repo('PROJ', 'alpha', 1, 'main'),
    branches: [{name: 'main', head: hex(7)}, {name: 'feature/x', head: hex(6)}],
    commits,
    pullRequests: [
      pr(1, 'OPEN', {
        commentCount: 1, updatedAt: at(300),
        participants: [
          {user: BOB.uuid, role: 'REVIEWER', state: 'approved', participatedOn: at(120)},
          {user: CAROL.uuid, role: 'REVIEWER', state: 'changes_requested', participatedOn: at(130)},
          {user: ALICE.uuid, role: 'PARTICIPANT', state: null, participatedOn: at(140)},
        ],
        activity: [
          {id: 1, kind: 'approval', user: BOB.uuid, at: at(120)},
          {id: 2, kind: 'changes_request', user: CAROL.uuid, at: at(130)},
          {id: 3, kind: 'comment', user: ALICE.uuid, at: at(140), text: 'Thanks!'},
        ],
      }),
      pr(2, 'MERGED'),
      pr(3, 'SUPERSEDED'),
      pr(4, 'DECLINED'),
    ],
  }
}

export function createFixtureWorld(): World {
  const users = [ALICE, BOB, CAROL]
  const containers: WContainer[] = [
    {key: 'PROJ', name: 'Project', uuid: '{p1}', numericId: 1},
    {key: 'OPS', name: 'Operations', uuid: '{p2}', numericId: 2},
    {key: 'BIG', name: 'Big', uuid: '{p3}', numericId: 3},
  ]
  const details = new Map<string, WRepoDetail>()
  details.set('PROJ/alpha', alphaDetail())
  details.set('PROJ/beta', {repo: repo('PROJ', 'beta', 2, null), branches: [], commits: [], pullRequests: []})
  details.set('OPS/tools', {repo: repo('OPS', 'tools', 3, 'main'), branches: [{name: 'main', head: hex(1)}], commits: [commit(1, [], 10, ALICE, [])], pullRequests: []})
  for (let i = 0; i < 60; i++) {
    const slug = `r${String(i).padStart(2, '0')}`
    details.set(`BIG/${slug}`, {repo: repo('BIG', slug, 100 + i, null), branches: [], commits: [], pullRequests: []})
  }
  let clock = T0 + 10_000 * 60_000
  const now = (): string => new Date(clock).toISOString()
  const need = (key: string): WRepoDetail => {
    const d = details.get(key)
    if (!d) throw new Error(`no repo ${key}`)
    return d
  }
  const pull = (key: string, id: number): WPullRequest => {
    const p = need(key).pullRequests.find((x) => x.id === id)
    if (!p) throw new Error(`no PR ${key}#${id}`)
    return p
  }
  return {
    seed: 0,
    dataset: 'dc-fixture',
    now,
    users: () => users,
    userByKey: (uuid) => users.find((u) => u.uuid === uuid),
    containers: () => containers,
    projects: (container) => containers.filter((c) => c.key === container).map((c) => ({container: c.key, key: c.key, name: c.name, uuid: c.uuid})),
    repos: (container) => [...details.values()].map((d) => d.repo).filter((r) => r.container === container),
    repo: (key) => details.get(key)?.repo,
    detail: need,
    mutate(m: Mutation): MutationResult {
      clock += 60_000
      switch (m.type) {
        case 'pr.approve': {
          const p = pull(m.repo, m.id)
          const user = users.find((u) => u.slug === (m.user ?? 'carol')) ?? CAROL
          const existing = p.participants.find((x) => x.user === user.uuid)
          if (existing) existing.state = 'approved'
          else p.participants.push({user: user.uuid, role: 'REVIEWER', state: 'approved', participatedOn: now()})
          p.activity.push({id: p.activity.length + 1, kind: 'approval', user: user.uuid, at: now()})
          p.updatedAt = now()
          return {events: [{kind: 'pr.approved', repo: m.repo, pullRequest: m.id}], details: {}}
        }
        case 'push': {
          const d = need(m.repo)
          const branch = d.branches.find((b) => b.name === (m.branch ?? d.repo.defaultBranch)) as {name: string; head: string}
          const c = commit(80 + d.commits.length, [], 0, BOB, [{path: 'pushed.txt', oldPath: null, status: 'added', linesAdded: 1, linesRemoved: 0}])
          c.parents = [branch.head]
          c.date = now()
          d.commits.unshift(c)
          branch.head = c.hash
          return {events: [{kind: 'push', repo: m.repo}], details: {commits: [c.hash]}}
        }
        default:
          throw new Error(`fixture world does not implement ${m.type}`)
      }
    },
    truth: () => {
      throw new Error('truth() is not part of the DC flavour fixture')
    },
    minimumRequests: () => {
      throw new Error('minimumRequests() is not part of the DC flavour fixture')
    },
  }
}
