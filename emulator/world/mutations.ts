/**
 * Mutations inside one repository, applied in place to its detail. Pure functions of (detail,
 * mutation, time, random stream): the world replays a repository's log after regenerating it, and
 * must land on exactly the same state.
 */
import {stateAfter} from './activity.js'
import {WorldError} from './errors.js'
import {FileTree, addedFile, changeFiles, netChanges, renamedFile} from './files.js'
import {identity} from './generate-repo.js'
import {pathsAt} from './git-objects.js'
import type {Rng} from './prng.js'
import {branchName, chooseKeys, commitMessage, mergeMessage, prTitle, uniqueName} from './text.js'
import {iso, wholeSeconds} from './time.js'
import type {Mutation, MutationResult, WActivityKind, WCommit, WFile, WParticipant, WPullRequest, WRepoDetail, WUser} from './types.js'
import {BRANCH_PREFIXES} from './vocabulary.js'

export interface MutationContext {
  /** The mutation's time (epoch ms): strictly after everything already in the world. */
  at: number
  rng: Rng
  /** People who work in the repository (default actors). */
  team: readonly WUser[]
  user(uuid: string): WUser | undefined
  jira: readonly string[]
}

type RepoMutation = Exclude<Mutation, {type: 'repo.create'} | {type: 'repo.delete'}>
type Events = MutationResult['events']

/** The most commits one push may add (one second apart, ending at the mutation's time). */
export const MAX_PUSH_COMMITS = 1000

export function applyMutation(detail: WRepoDetail, m: RepoMutation, ctx: MutationContext): MutationResult {
  switch (m.type) {
    case 'push': return push(detail, m, ctx)
    case 'pr.create': return createPr(detail, m, ctx)
    case 'pr.approve': return review(detail, m.id, m.user, 'approval', ctx)
    case 'pr.requestChanges': return review(detail, m.id, m.user, 'changes_request', ctx)
    case 'pr.comment': return commentOn(detail, m, ctx)
    case 'pr.merge': return merge(detail, m, ctx)
    case 'pr.decline': return decline(detail, m, ctx)
    case 'pr.delete': return deletePr(detail, m)
    case 'branch.delete': return deleteBranch(detail, m)
  }
}

/**
 * Keep only the commits some branch reaches (the repository's history after a force-push or a
 * deleted branch). A merged PR's merge commit must stay: refusing keeps the PR and its commit in step.
 */
function dropUnreachable(detail: WRepoDetail): string[] {
  const byHash = new Map(detail.commits.map((c) => [c.hash, c]))
  const reached = new Set<string>()
  const stack = detail.branches.map((b) => b.head)
  while (stack.length > 0) {
    const h = stack.pop() as string
    if (reached.has(h)) continue
    reached.add(h)
    for (const p of byHash.get(h)?.parents ?? []) stack.push(p)
  }
  const dropped = detail.commits.filter((c) => !reached.has(c.hash)).map((c) => c.hash)
  for (const pr of detail.pullRequests) {
    if (pr.mergeCommit !== null && !reached.has(pr.mergeCommit)) throw new WorldError(409, `that would drop the merge commit of pull request ${pr.id}`)
  }
  if (dropped.length > 0) detail.commits = detail.commits.filter((c) => reached.has(c.hash))
  return dropped
}

function deleteBranch(detail: WRepoDetail, m: Extract<Mutation, {type: 'branch.delete'}>): MutationResult {
  const key = repoKey(detail)
  if (branchHead(detail, m.branch) === null) throw new WorldError(404, `branch ${m.branch} does not exist in ${key}`)
  if (m.branch === detail.repo.defaultBranch) throw new WorldError(400, `${m.branch} is the default branch of ${key}`)
  const open = detail.pullRequests.find((p) => p.state === 'OPEN' && p.sourceBranch === m.branch)
  if (open) throw new WorldError(409, `branch ${m.branch} is the source of open pull request ${open.id}`)
  detail.branches = detail.branches.filter((b) => b.name !== m.branch)
  const dropped = dropUnreachable(detail)
  return {events: [{kind: 'push', repo: key}], details: {branch: m.branch, dropped}}
}

function repoKey(detail: WRepoDetail): string {
  return `${detail.repo.container}/${detail.repo.slug}`
}

function actor(ctx: MutationContext, uuid: string | undefined, fallback: () => string): WUser {
  const key = uuid ?? fallback()
  const user = ctx.user(key)
  if (!user) throw new WorldError(404, `no such user ${key}`)
  return user
}

function findPr(detail: WRepoDetail, id: number): WPullRequest {
  const pr = detail.pullRequests.find((p) => p.id === id)
  if (!pr) throw new WorldError(404, `pull request ${id} does not exist in ${repoKey(detail)}`)
  return pr
}

function requireOpen(pr: WPullRequest): void {
  if (pr.state !== 'OPEN') throw new WorldError(409, `pull request ${pr.id} is ${pr.state}, not OPEN`)
}

function branchHead(detail: WRepoDetail, name: string): string | null {
  return detail.branches.find((b) => b.name === name)?.head ?? null
}

function setHead(detail: WRepoDetail, name: string, head: string): void {
  const branch = detail.branches.find((b) => b.name === name)
  if (branch) branch.head = head
  else detail.branches.push({name, head})
}

/** The files a branch holds at `head` (its real tree), so changes name paths that exist there. */
function treeAt(detail: WRepoDetail, head: string | null): FileTree {
  const paths = head === null ? [] : pathsAt(detail, head)
  return paths ? FileTree.fromPaths(paths) : FileTree.fromCommits(detail.commits)
}

function newHash(detail: WRepoDetail, rng: Rng): string {
  const known = new Set(detail.commits.map((c) => c.hash))
  let h = rng.hex(40)
  while (known.has(h)) h = rng.hex(40)
  return h
}

/** New commits go first: they are the newest, and their parents are already in the list. */
function addCommit(detail: WRepoDetail, c: WCommit): void {
  detail.commits.unshift(c)
}

function activity(pr: WPullRequest, kind: WActivityKind, user: WUser, at: number, extra: {text?: string; state?: WPullRequest['state']} = {}): void {
  const id = pr.activity.reduce((max, a) => Math.max(max, a.id), 0) + 1
  pr.activity.push({id, kind, user: user.uuid, at: iso(at), ...extra})
  pr.updatedAt = iso(at)
}

/** Someone who is not the author joins the participants (with no review state) when they act. */
function participant(pr: WPullRequest, user: WUser): WParticipant | null {
  if (user.uuid === pr.author) return null
  let p = pr.participants.find((x) => x.user === user.uuid)
  if (!p) {
    p = {user: user.uuid, role: 'PARTICIPANT', state: null, participatedOn: null}
    pr.participants.push(p)
  }
  return p
}

function push(detail: WRepoDetail, m: Extract<Mutation, {type: 'push'}>, ctx: MutationContext): MutationResult {
  const count = m.commits ?? 1
  if (!Number.isInteger(count) || count < 1 || count > MAX_PUSH_COMMITS) throw new WorldError(400, `commits must be 1..${MAX_PUSH_COMMITS}`)
  const branch = m.branch ?? detail.repo.defaultBranch ?? 'main'
  let parent = branchHead(detail, branch) ?? (detail.repo.defaultBranch ? branchHead(detail, detail.repo.defaultBranch) : null)
  const drop = m.drop ?? 0
  if (!Number.isInteger(drop) || drop < 0) throw new WorldError(400, 'drop must be a whole number of commits, 0 or more')
  if (drop > 0) {
    if (branchHead(detail, branch) === null) throw new WorldError(404, `branch ${branch} does not exist in ${repoKey(detail)}`)
    const byHash = new Map(detail.commits.map((c) => [c.hash, c]))
    for (let i = 0; i < drop; i++) {
      const first = parent === null ? undefined : byHash.get(parent)?.parents[0]
      if (first === undefined) throw new WorldError(400, `branch ${branch} has fewer than ${drop + 1} commits on its first-parent line`)
      parent = first
    }
  }
  const tree = treeAt(detail, parent)
  const pusher = ctx.rng.pick(ctx.team)
  const hashes: string[] = []
  for (let i = 0; i < count; i++) {
    const files: WFile[] = [addedFile(ctx.rng, tree.newPath(ctx.rng))]
    tree.apply(files)
    // The first commit of a push also renames a file, so renames show up in incremental syncs.
    const renameFrom = i === 0 ? tree.pickExisting(ctx.rng, new Set(files.map((f) => f.path))) : null
    if (renameFrom) {
      const renamed = renamedFile(ctx.rng, renameFrom, tree.newPath(ctx.rng))
      tree.apply([renamed])
      files.push(renamed)
    }
    const c: WCommit = {
      hash: newHash(detail, ctx.rng),
      parents: parent ? [parent] : [],
      ...identity(ctx.rng, pusher),
      date: iso(wholeSeconds(ctx.at) - (count - 1 - i) * 1000),
      message: m.message ?? commitMessage(ctx.rng, chooseKeys(ctx.rng, ctx.jira, 0.3, 0.1)),
      files,
    }
    addCommit(detail, c)
    parent = c.hash
    hashes.push(c.hash)
  }
  setHead(detail, branch, parent as string)
  const dropped = drop > 0 ? dropUnreachable(detail) : []
  detail.repo.defaultBranch ??= branch
  detail.repo.updatedAt = iso(ctx.at)
  const key = repoKey(detail)
  const events: Events = [{kind: 'push', repo: key}]
  // A push to a PR's source branch updates the PR (Cloud logs an `update`, DC a RESCOPED).
  for (const pr of detail.pullRequests) {
    if (pr.state !== 'OPEN' || pr.sourceBranch !== branch) continue
    pr.sourceCommit = parent
    pr.version++
    const author = ctx.user(pr.author)
    if (author) activity(pr, 'update', author, ctx.at, {state: 'OPEN'})
    events.push({kind: 'pr.updated', repo: key, pullRequest: pr.id})
  }
  return {events, details: {branch, commits: hashes, ...(drop > 0 ? {dropped} : {})}}
}

function createPr(detail: WRepoDetail, m: Extract<Mutation, {type: 'pr.create'}>, ctx: MutationContext): MutationResult {
  const target = detail.repo.defaultBranch
  const targetHead = target ? branchHead(detail, target) : null
  if (!target || !targetHead) throw new WorldError(400, `${repoKey(detail)} is empty: push before opening a pull request`)
  const author = actor(ctx, m.author, () => ctx.rng.pick(ctx.team).uuid)
  const keys = chooseKeys(ctx.rng, ctx.jira, 0.5, 0.1)
  // A generated name never collides; a given one may name an existing branch to open the PR from.
  const source = m.sourceBranch ?? uniqueName(branchName(ctx.rng, ctx.rng.pick(BRANCH_PREFIXES), keys.jira), (name) => branchHead(detail, name) !== null)
  if (source === target) throw new WorldError(400, 'source and target branch are the same')
  const key = repoKey(detail)
  const events: Events = []
  const commits: string[] = []
  let head = branchHead(detail, source)
  if (head === null) {
    const tree = treeAt(detail, targetHead)
    const c: WCommit = {
      hash: newHash(detail, ctx.rng),
      parents: [targetHead],
      ...identity(ctx.rng, author),
      date: iso(wholeSeconds(ctx.at) - 1000),
      message: commitMessage(ctx.rng, {jira: keys.jira, hash: null}),
      files: changeFiles(ctx.rng, tree, 2),
    }
    addCommit(detail, c)
    setHead(detail, source, c.hash)
    detail.repo.updatedAt = iso(ctx.at)
    head = c.hash
    commits.push(c.hash)
    events.push({kind: 'push', repo: key})
  }
  const id = detail.pullRequests.reduce((max, p) => Math.max(max, p.id), 0) + 1
  const pr: WPullRequest = {
    id,
    title: m.title ?? prTitle(ctx.rng, keys),
    description: '',
    state: 'OPEN',
    author: author.uuid,
    sourceBranch: source,
    sourceCommit: head,
    targetBranch: target,
    createdAt: iso(ctx.at),
    updatedAt: iso(ctx.at),
    closedAt: null,
    mergeCommit: null,
    commentCount: 0,
    participants: [],
    activity: [],
    version: 0,
  }
  activity(pr, 'update', author, ctx.at, {state: 'OPEN'})
  detail.pullRequests.push(pr)
  events.push({kind: 'pr.created', repo: key, pullRequest: id})
  return {events, details: {id, pullRequest: id, sourceBranch: source, commits}}
}

function review(detail: WRepoDetail, id: number, userKey: string | undefined, kind: 'approval' | 'changes_request', ctx: MutationContext): MutationResult {
  const pr = findPr(detail, id)
  requireOpen(pr)
  const wanted = kind === 'approval' ? 'approved' : 'changes_requested'
  const user = actor(ctx, userKey, () => {
    // Default reviewer: a listed reviewer who has not reached that state yet, else any teammate.
    const pending = pr.participants.find((p) => p.role === 'REVIEWER' && p.state !== wanted)
    if (pending) return pending.user
    const others = ctx.team.filter((u) => u.uuid !== pr.author && pr.participants.find((p) => p.user === u.uuid)?.state !== wanted)
    if (others.length === 0) throw new WorldError(409, `nobody left to review pull request ${id}`)
    return ctx.rng.pick(others).uuid
  })
  if (user.uuid === pr.author) throw new WorldError(400, 'the author cannot review their own pull request')
  const p = participant(pr, user) as WParticipant
  const events: Events = []
  if (p.state !== wanted) {
    activity(pr, kind, user, ctx.at)
    p.state = stateAfter(kind, p.state) ?? p.state
    p.participatedOn = iso(ctx.at)
    events.push({kind: kind === 'approval' ? 'pr.approved' : 'pr.changes_requested', repo: repoKey(detail), pullRequest: id})
  }
  return {events, details: {id, user: user.uuid, state: p.state}}
}

function commentOn(detail: WRepoDetail, m: Extract<Mutation, {type: 'pr.comment'}>, ctx: MutationContext): MutationResult {
  const pr = findPr(detail, m.id)
  const user = actor(ctx, m.user, () => pr.author)
  const text = m.text ?? 'Thanks for the update 👍'
  activity(pr, 'comment', user, ctx.at, {text})
  pr.commentCount++
  const p = participant(pr, user)
  if (p) p.participatedOn = iso(ctx.at)
  return {events: [{kind: 'pr.comment', repo: repoKey(detail), pullRequest: m.id}], details: {id: m.id, user: user.uuid, commentId: pr.activity.at(-1)?.id}}
}

/** Commits on `head` that `base` does not reach, oldest first. */
function commitsBetween(detail: WRepoDetail, head: string, base: string): WCommit[] {
  const byHash = new Map(detail.commits.map((c) => [c.hash, c]))
  const reached = new Set<string>()
  const stack = [base]
  while (stack.length > 0) {
    const h = stack.pop() as string
    if (reached.has(h)) continue
    reached.add(h)
    for (const p of byHash.get(h)?.parents ?? []) stack.push(p)
  }
  const out: WCommit[] = []
  const seen = new Set<string>()
  const walk = [head]
  while (walk.length > 0) {
    const h = walk.pop() as string
    if (reached.has(h) || seen.has(h)) continue
    seen.add(h)
    const c = byHash.get(h)
    if (!c) continue
    out.push(c)
    for (const p of c.parents) walk.push(p)
  }
  return out.sort((a, b) => a.date.localeCompare(b.date))
}

function close(pr: WPullRequest, state: 'MERGED' | 'DECLINED', user: WUser, at: number): void {
  pr.state = state
  pr.closedAt = iso(at)
  pr.version++
  participant(pr, user)
  activity(pr, 'update', user, at, {state})
}

function merge(detail: WRepoDetail, m: Extract<Mutation, {type: 'pr.merge'}>, ctx: MutationContext): MutationResult {
  const pr = findPr(detail, m.id)
  requireOpen(pr)
  const user = actor(ctx, m.user, () => pr.author)
  const targetHead = branchHead(detail, pr.targetBranch)
  const sourceHead = branchHead(detail, pr.sourceBranch)
  if (!targetHead || !sourceHead) throw new WorldError(409, `pull request ${m.id}: its source or target branch is gone`)
  const approvers = pr.participants.filter((p) => p.state === 'approved').map((p) => ctx.user(p.user)?.displayName ?? p.user)
  const files = netChanges(commitsBetween(detail, sourceHead, targetHead).map((c) => c.files))
  const c: WCommit = {
    hash: newHash(detail, ctx.rng),
    parents: [targetHead, sourceHead],
    ...identity(ctx.rng, user),
    date: iso(wholeSeconds(ctx.at)),
    message: mergeMessage(pr.sourceBranch, pr.id, pr.title, approvers),
    files,
  }
  addCommit(detail, c)
  setHead(detail, pr.targetBranch, c.hash)
  // Bitbucket's "close source branch": dropped unless another open PR still uses it.
  if (!detail.pullRequests.some((p) => p !== pr && p.state === 'OPEN' && p.sourceBranch === pr.sourceBranch)) {
    detail.branches = detail.branches.filter((b) => b.name !== pr.sourceBranch)
  }
  pr.mergeCommit = c.hash
  close(pr, 'MERGED', user, ctx.at)
  detail.repo.updatedAt = iso(ctx.at)
  const key = repoKey(detail)
  return {events: [{kind: 'pr.merged', repo: key, pullRequest: pr.id}, {kind: 'push', repo: key}], details: {id: pr.id, mergeCommit: c.hash}}
}

function deletePr(detail: WRepoDetail, m: Extract<Mutation, {type: 'pr.delete'}>): MutationResult {
  const pr = findPr(detail, m.id)
  detail.pullRequests.splice(detail.pullRequests.indexOf(pr), 1)
  // Only Data Center deletes pull requests (and says so with pr:deleted); Cloud has no such event.
  return {events: [{kind: 'pr.deleted', repo: repoKey(detail), pullRequest: pr.id, deleted: pr}], details: {id: pr.id}}
}

function decline(detail: WRepoDetail, m: Extract<Mutation, {type: 'pr.decline'}>, ctx: MutationContext): MutationResult {
  const pr = findPr(detail, m.id)
  requireOpen(pr)
  const user = actor(ctx, m.user, () => pr.author)
  close(pr, 'DECLINED', user, ctx.at)
  return {events: [{kind: 'pr.declined', repo: repoKey(detail), pullRequest: pr.id}], details: {id: pr.id}}
}
