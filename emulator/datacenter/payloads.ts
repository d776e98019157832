/**
 * Flavour-neutral mutation events → DC webhook deliveries (event key + payload in DC's shape: an
 * `eventKey`, a `date` like "2026-11-22T03:04:05+0000", the `actor`, and the entities). Push payloads
 * report the refs that moved since the snapshot this flavour took of the repository's branches at the
 * previous push (the world keeps no ref history); before any snapshot, the branch with the newest head.
 */
import {randomUUID} from 'node:crypto'

import type {MutationResult, WPullRequest, WRepoDetail, World} from '../world/types.js'
import type {ServerState} from '../server/types.js'
import {activities} from './activities.js'
import {ms, renderParticipant, renderPullRequest, renderRepo, renderUserKey} from './render.js'

type Event = MutationResult['events'][number]
type Json = Record<string, unknown>

export const DC_USER_AGENT = 'Atlassian HttpClient 4.2.0 / Bitbucket-9.4.2 (9004002) / Default'

/** DC writes webhook dates with a numeric offset and no colon. */
export function dcDate(iso: string): string {
  return `${new Date(ms(iso)).toISOString().slice(0, 19)}+0000`
}

const HEADS_KEY = 'dc.branchHeads'
const PREVIOUS_KEY = 'dc.previousHeads'

/** Branch heads before the latest push to a repository (for pr:from_ref_updated's previousFromHash). */
function previousHeads(state: ServerState, repoKey: string): Map<string, string> | undefined {
  return (state.scratch.get(PREVIOUS_KEY) as Map<string, Map<string, string>> | undefined)?.get(repoKey)
}

function rememberPrevious(state: ServerState, repoKey: string, heads: Map<string, string>): void {
  let all = state.scratch.get(PREVIOUS_KEY) as Map<string, Map<string, string>> | undefined
  if (!all) {
    all = new Map()
    state.scratch.set(PREVIOUS_KEY, all)
  }
  all.set(repoKey, heads)
}

function snapshot(state: ServerState, repoKey: string, detail: WRepoDetail): Map<string, string> | undefined {
  let all = state.scratch.get(HEADS_KEY) as Map<string, Map<string, string>> | undefined
  if (!all) {
    all = new Map()
    state.scratch.set(HEADS_KEY, all)
  }
  const previous = all.get(repoKey)
  all.set(repoKey, new Map(detail.branches.map((b) => [b.name, b.head])))
  return previous
}

const ZERO = '0000000000000000000000000000000000000000'

interface RefChange {
  name: string
  from: string
  to: string
  type: 'ADD' | 'UPDATE' | 'DELETE'
}

/** What moved since the last snapshot; without one, the branch whose head is newest (the push just made). */
function refChanges(previous: Map<string, string> | undefined, detail: WRepoDetail): RefChange[] {
  const byHash = new Map(detail.commits.map((c) => [c.hash, c]))
  if (!previous) {
    const dated = detail.branches.map((b) => ({b, at: ms(byHash.get(b.head)?.date ?? '1970-01-01T00:00:00Z')}))
    const newest = dated.sort((x, y) => y.at - x.at)[0]?.b
    return newest ? [{name: newest.name, from: byHash.get(newest.head)?.parents[0] ?? ZERO, to: newest.head, type: 'UPDATE'}] : []
  }
  const changes: RefChange[] = []
  for (const b of detail.branches) {
    const before = previous.get(b.name)
    if (before !== b.head) changes.push({name: b.name, from: before ?? ZERO, to: b.head, type: before ? 'UPDATE' : 'ADD'})
  }
  // A merge that closes the source branch deletes it.
  for (const [name, head] of previous) if (!detail.branches.some((b) => b.name === name)) changes.push({name, from: head, to: ZERO, type: 'DELETE'})
  return changes
}

function pushPayload(world: World, state: ServerState, repoKey: string, origin: string): Json | null {
  const repo = world.repo(repoKey)
  if (!repo) return null
  const detail = world.detail(repoKey)
  const changes = refChanges(snapshot(state, repoKey, detail), detail)
  // One mutation can raise several push events; the first reports every move, the rest have nothing new.
  if (changes.length === 0) return null
  rememberPrevious(state, repoKey, new Map(changes.map((c) => [c.name, c.from])))
  const moved = changes.find((c) => c.type !== 'DELETE') ?? changes[0]
  const head = detail.commits.find((c) => c.hash === moved?.to)
  const actor = head?.author ?? world.users()[0]?.uuid ?? ''
  return {
    eventKey: 'repo:refs_changed',
    date: dcDate(world.now()),
    actor: renderUserKey(world, actor, origin),
    repository: renderRepo(world, repo, origin),
    changes: changes.map((c) => ({ref: {id: `refs/heads/${c.name}`, displayId: c.name, type: 'BRANCH'}, refId: `refs/heads/${c.name}`, fromHash: c.from, toHash: c.to, type: c.type})),
  }
}

const PR_KEYS: Partial<Record<Event['kind'], string>> = {
  'pr.created': 'pr:opened',
  // The world raises pr.updated for a push to the source branch: DC's "source branch updated".
  'pr.updated': 'pr:from_ref_updated',
  'pr.merged': 'pr:merged',
  'pr.declined': 'pr:declined',
  'pr.approved': 'pr:reviewer:approved',
  // The key Data Center sends and accepts for "changes requested" (not pr:reviewer:changes_requested).
  'pr.changes_requested': 'pr:reviewer:needs_work',
  'pr.comment': 'pr:comment:added',
  'pr.deleted': 'pr:deleted',
}

function prPayload(world: World, state: ServerState, event: Event, eventKey: string, origin: string): Json | null {
  const repo = world.repo(event.repo)
  if (!repo || event.pullRequest === undefined) return null
  const detail = world.detail(event.repo)
  const pr: WPullRequest | undefined = event.deleted ?? detail.pullRequests.find((p) => p.id === event.pullRequest)
  if (!pr) return null
  const latest = [...pr.activity].sort((a, b) => ms(b.at) - ms(a.at) || b.id - a.id)[0]
  const actorKey = eventKey === 'pr:opened' || !latest ? pr.author : latest.user
  const out: Json = {
    eventKey,
    date: dcDate(world.now()),
    actor: renderUserKey(world, actorKey, origin),
    pullRequest: renderPullRequest(world, repo, pr, detail.branches, origin),
  }
  if (eventKey.startsWith('pr:reviewer:')) {
    const participant = pr.participants.find((p) => p.user === actorKey)
    if (participant) out.participant = renderParticipant(world, participant, pr.sourceCommit, origin)
    out.previousStatus = 'UNAPPROVED'
  }
  if (eventKey === 'pr:comment:added') {
    const commented = activities(world, repo, pr, origin).find((a) => a.action === 'COMMENTED')
    if (commented) out.comment = commented.comment
  }
  if (eventKey === 'pr:from_ref_updated') out.previousFromHash = previousHeads(state, event.repo)?.get(pr.sourceBranch) ?? null
  return out
}

export function webhookPayload(event: Event, world: World, state: ServerState): {eventKey: string; payload: unknown; headers?: Record<string, string>} | null {
  const origin = state.origin
  const headers = {'User-Agent': DC_USER_AGENT, 'X-Request-Id': randomUUID()}
  if (event.kind === 'push') {
    const payload = pushPayload(world, state, event.repo, origin)
    return payload ? {eventKey: 'repo:refs_changed', payload, headers} : null
  }
  const eventKey = PR_KEYS[event.kind]
  // DC has no webhook for repository creation or deletion.
  if (!eventKey) return null
  const payload = prPayload(world, state, event, eventKey, origin)
  return payload ? {eventKey, payload, headers} : null
}
