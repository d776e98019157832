/**
 * One repository's history, generated from (seed, container index, repository index) alone. A
 * chronological simulation: a root commit, direct commits on long-lived branches, feature branches
 * that open pull requests and end merged (merge commit or squash), declined, superseded or still
 * open. Commit times strictly increase in simulation order, so newest-first by date is also a
 * topological order (children before parents).
 */
import {buildReviewHistory} from './activity.js'
import type {RepoPlan} from './datasets.js'
import {FileTree, changeFiles, netChanges} from './files.js'
import {rngFor} from './prng.js'
import {generateScriptedRepo} from './scripted-repo.js'
import type {Rng} from './prng.js'
import {branchName, chooseKeys, commitMessage, description, mergeMessage, prTitle, uniqueName} from './text.js'
import {DAY, HOUR, MINUTE, iso, wholeSeconds} from './time.js'
import type {WBranch, WCommit, WFile, WPullRequest, WRepo, WRepoDetail, WUser} from './types.js'
import {BOTS, BRANCH_PREFIXES} from './vocabulary.js'

export interface RepoContext {
  seed: number
  repo: WRepo
  plan: RepoPlan
  team: readonly WUser[]
  jira: readonly string[]
  /** Seed parts naming the repository (its dataset position), independent of flavour naming. */
  where: ReadonlyArray<string | number>
}

type PrState = WPullRequest['state']

interface PrDraft {
  id: number
  state: PrState
  /** 'merge' keeps the feature commits (two-parent merge); 'squash' replaces them with one commit. */
  strategy: 'merge' | 'squash' | null
  features: number
  target: string
  source: string
  author: WUser
  title: string
  jira: string | null
  featureStart: number
  openAt: number
  /** How long after opening a closed PR closes (drawn for every PR: the budget may close open ones). */
  closeDelay: number
  closeAt: number | null
  featureTimes: number[]
  head: string | null
  pushes: number[]
  featureFiles: WFile[][]
  opened: boolean
  longDiscussion: boolean
  pr?: WPullRequest
}

type Event =
  | {t: number; seq: number; kind: 'root'}
  | {t: number; seq: number; kind: 'branch'; name: string; from: string}
  | {t: number; seq: number; kind: 'direct'; branch: string}
  | {t: number; seq: number; kind: 'feature'; pr: PrDraft}
  | {t: number; seq: number; kind: 'open'; pr: PrDraft}
  | {t: number; seq: number; kind: 'close'; pr: PrDraft}

type WithoutSeq<E> = E extends unknown ? Omit<E, 'seq'> : never
type EventInput = WithoutSeq<Event>

const STATE_WEIGHTS: ReadonlyArray<readonly [PrState, number]> = [['MERGED', 55], ['OPEN', 18], ['DECLINED', 20], ['SUPERSEDED', 7]]
const FILE_COUNTS: ReadonlyArray<readonly [number, number]> = [[1, 30], [2, 25], [3, 20], [4, 15], [5, 10]]

/** Git identity of a commit author: usually the linked account, sometimes an e-mail Bitbucket cannot map. */
export function identity(rng: Rng, user: WUser): {authorName: string; authorEmail: string; author: string | null} {
  if (rng.chance(0.1)) return {authorName: user.displayName, authorEmail: `${user.slug}@home.example`, author: null}
  return {authorName: user.displayName, authorEmail: user.email, author: user.uuid}
}

function pickStates(rng: Rng, count: number): PrState[] {
  const states: PrState[] = []
  for (let i = 0; i < count; i++) states.push(rng.weighted(STATE_WEIGHTS))
  // Every state shows up once there is room for all four.
  if (count >= 4) {
    for (const wanted of ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] as const) {
      if (states.includes(wanted)) continue
      const tally = (s: PrState): number => states.filter((x) => x === s).length
      const donor = states.findIndex((s) => tally(s) > 1)
      if (donor >= 0) states[donor] = wanted
    }
  }
  return states
}

function cost(d: PrDraft): number {
  if (d.state === 'OPEN') return d.features
  if (d.state === 'MERGED') return d.strategy === 'merge' ? d.features + 1 : 1
  return 0
}

/** Fit the PRs into the commit budget: squash first, then decline, until the mandatory commits fit. */
function fitBudget(drafts: PrDraft[], budget: number): void {
  let needed = 1 + drafts.reduce((sum, d) => sum + cost(d), 0)
  const downgrade = (pred: (d: PrDraft) => boolean, change: (d: PrDraft) => void): void => {
    for (const d of drafts) {
      if (needed <= budget) return
      if (!pred(d)) continue
      const before = cost(d)
      change(d)
      needed -= before - cost(d)
    }
  }
  downgrade((d) => d.strategy === 'merge', (d) => { d.strategy = 'squash' })
  downgrade((d) => d.state === 'OPEN', (d) => { d.state = 'DECLINED' })
  downgrade((d) => d.state === 'MERGED', (d) => { d.state = 'DECLINED'; d.strategy = null })
}

export function generateRepo(ctx: RepoContext): WRepoDetail {
  const repo: WRepo = {...ctx.repo}
  if (ctx.plan.commits <= 0 || repo.defaultBranch === null) return {repo, branches: [], commits: [], pullRequests: []}
  if (ctx.plan.script) return generateScriptedRepo(ctx)
  return new RepoGenerator(ctx, repo).run()
}

class RepoGenerator {
  private readonly rng: Rng
  private readonly fileRng: Rng
  private readonly start: number
  private readonly end: number
  private readonly main: string
  private readonly heads = new Map<string, string>()
  private readonly chronological: WCommit[] = []
  private readonly hashes = new Set<string>()
  private readonly tree = new FileTree()
  private readonly events: Event[] = []
  private readonly drafts: PrDraft[] = []
  private lastTime = 0
  private develop: {name: string; at: number} | null = null
  private readonly stale: Array<{name: string; at: number}> = []

  constructor(private readonly ctx: RepoContext, private readonly repo: WRepo) {
    this.rng = rngFor(ctx.seed, 'history', ...ctx.where)
    this.fileRng = rngFor(ctx.seed, 'files', ...ctx.where)
    this.start = Date.parse(repo.createdAt) + HOUR
    this.end = Date.parse(repo.updatedAt)
    this.main = repo.defaultBranch as string
  }

  run(): WRepoDetail {
    this.planBranches()
    this.planPullRequests()
    this.planExtraCommits()
    this.simulate()
    return this.finish()
  }

  private push(e: EventInput): void {
    this.events.push({...e, seq: this.events.length} as Event)
  }

  private between(lo: number, hi: number): number {
    return hi <= lo ? lo : this.rng.range(lo, hi)
  }

  private planBranches(): void {
    this.push({t: this.start, kind: 'root'})
    const span = this.end - this.start
    if (this.ctx.plan.commits >= 40 && this.rng.chance(0.6)) {
      this.develop = {name: 'develop', at: this.start + Math.floor(span * (0.05 + 0.2 * this.rng.next()))}
      this.push({t: this.develop.at, kind: 'branch', name: 'develop', from: this.main})
    }
  }

  private planPullRequests(): void {
    const {rng} = this
    const count = this.ctx.plan.prs
    const states = pickStates(rng, count)
    const span = this.end - this.start
    const opens = states.map(() => this.start + Math.floor(span * (0.03 + 0.95 * rng.next()))).sort((a, b) => a - b)
    const usedBranches = new Set<string>([this.main, 'develop'])
    const longIndex = this.ctx.plan.longDiscussion ? Math.floor(count / 2) : -1
    for (let i = 0; i < count; i++) {
      const state = states[i] as PrState
      const keys = chooseKeys(rng, this.ctx.jira, 0.4, 0.1)
      const branchKey = keys.jira && rng.chance(0.6) ? keys.jira : null
      const source = uniqueName(branchName(rng, rng.pick(BRANCH_PREFIXES), branchKey), (name) => usedBranches.has(name))
      usedBranches.add(source)
      const openAt = opens[i] as number
      const featureStart = Math.max(this.start + MINUTE, openAt - rng.range(10 * MINUTE, 2 * DAY))
      const target = this.develop && featureStart > this.develop.at && rng.chance(0.2) ? this.develop.name : this.main
      const closeDelay = rng.range(HOUR, 14 * DAY)
      this.drafts.push({
        id: i + 1,
        state,
        strategy: state === 'MERGED' ? (rng.chance(0.7) ? 'merge' : 'squash') : null,
        features: 1,
        target,
        source,
        author: rng.pick(this.ctx.team),
        title: prTitle(rng, keys),
        jira: keys.jira,
        featureStart,
        openAt: Math.max(openAt, featureStart + 1),
        closeDelay,
        closeAt: null,
        featureTimes: [],
        head: null,
        pushes: [],
        featureFiles: [],
        opened: false,
        longDiscussion: i === longIndex,
      })
    }
    fitBudget(this.drafts, this.ctx.plan.commits)
    for (const d of this.drafts) d.closeAt = d.state === 'OPEN' ? null : Math.min(this.end, d.openAt + d.closeDelay)
  }

  /** Commits beyond what the PRs need: more feature commits, direct commits, a stale branch or two. */
  private planExtraCommits(): void {
    const {rng} = this
    const mandatory = 1 + this.drafts.reduce((sum, d) => sum + cost(d), 0)
    let extra = Math.max(0, this.ctx.plan.commits - mandatory)
    const growable = this.drafts.filter((d) => d.state === 'OPEN' || d.strategy === 'merge')
    if (extra >= 10) {
      for (const name of ['experiment/faster-builds', 'spike/new-layout'].slice(0, rng.range(1, 2))) {
        const at = this.between(this.start + HOUR, this.end - DAY)
        this.stale.push({name, at})
        this.push({t: at, kind: 'branch', name, from: this.main})
      }
    }
    while (extra > 0) {
      const r = rng.next()
      const pr = growable.length > 0 ? rng.pick(growable) : null
      if (r < 0.45 && pr && pr.features < 8) pr.features++
      else if (r < 0.5 && this.stale.length > 0) {
        const s = rng.pick(this.stale)
        this.push({t: this.between(s.at + 1, this.end), kind: 'direct', branch: s.name})
      } else if (this.develop && rng.chance(0.2)) {
        this.push({t: this.between(this.develop.at + 1, this.end), kind: 'direct', branch: this.develop.name})
      } else {
        this.push({t: this.between(this.start + 1, this.end), kind: 'direct', branch: this.main})
      }
      extra--
    }
    for (const d of this.drafts) {
      const hasFeatures = d.state === 'OPEN' || d.strategy === 'merge'
      if (hasFeatures) {
        const limit = d.closeAt ?? this.end
        d.featureTimes = [d.featureStart]
        for (let k = 1; k < d.features; k++) d.featureTimes.push(this.between(d.featureStart + 1, limit - 1))
        d.featureTimes.sort((a, b) => a - b)
        for (const t of d.featureTimes) this.push({t, kind: 'feature', pr: d})
      }
      this.push({t: d.openAt, kind: 'open', pr: d})
      if (d.closeAt !== null) this.push({t: d.closeAt, kind: 'close', pr: d})
    }
  }

  /**
   * A strictly later whole second than anything before: keeps date order topological, at git's
   * precision (PR open/close events share the clock, so a merge commit's date is its PR's closedAt).
   */
  private tick(t: number): number {
    this.lastTime = Math.max(wholeSeconds(t), this.lastTime + 1000)
    return this.lastTime
  }

  private hash(): string {
    let h = this.rng.hex(40)
    while (this.hashes.has(h)) h = this.rng.hex(40)
    this.hashes.add(h)
    return h
  }

  private fileCount(): number {
    return this.ctx.plan.filesPerCommit ?? this.fileRng.weighted(FILE_COUNTS)
  }

  private commit(at: number, parents: string[], who: {authorName: string; authorEmail: string; author: string | null}, message: string, files: WFile[]): WCommit {
    const c: WCommit = {hash: this.hash(), parents, ...who, date: iso(at), message, files}
    this.chronological.push(c)
    return c
  }

  private someone(): {authorName: string; authorEmail: string; author: string | null} {
    if (this.rng.chance(0.05)) {
      const [name, email] = this.rng.pick(BOTS)
      return {authorName: name, authorEmail: email, author: null}
    }
    return identity(this.rng, this.rng.pick(this.ctx.team))
  }

  private head(branch: string): string {
    const h = this.heads.get(branch)
    if (h === undefined) throw new Error(`branch ${branch} has no head`)
    return h
  }

  private simulate(): void {
    this.events.sort((a, b) => a.t - b.t || a.seq - b.seq)
    for (const e of this.events) {
      const at = this.tick(e.t)
      switch (e.kind) {
        case 'root': {
          const files = changeFiles(this.fileRng, this.tree, Math.max(3, this.fileCount()))
          this.heads.set(this.main, this.commit(at, [], this.someone(), 'Initial commit\n', files).hash)
          break
        }
        case 'branch':
          this.heads.set(e.name, this.head(e.from))
          break
        case 'direct': {
          const files = changeFiles(this.fileRng, this.tree, this.fileCount())
          const c = this.commit(at, [this.head(e.branch)], this.someone(), commitMessage(this.rng, chooseKeys(this.rng, this.ctx.jira, 0.3, 0.08)), files)
          this.heads.set(e.branch, c.hash)
          break
        }
        case 'feature': {
          const d = e.pr
          const files = changeFiles(this.fileRng, this.tree, this.fileCount())
          const who = this.rng.chance(0.85) ? identity(this.rng, d.author) : this.someone()
          const keys = {jira: d.jira && this.rng.chance(0.5) ? d.jira : null, hash: null}
          const c = this.commit(at, [d.head ?? this.head(d.target)], who, commitMessage(this.rng, keys), files)
          d.head = c.hash
          d.featureFiles.push(files)
          if (d.opened) d.pushes.push(at)
          break
        }
        case 'open':
          // Opening fixes the time; the review history is written when the PR closes or history ends.
          e.pr.openAt = at
          e.pr.opened = true
          break
        case 'close':
          this.close(e.pr, at)
          break
      }
    }
    for (const d of this.drafts) if (d.state === 'OPEN') this.review(d, this.end)
  }

  private review(d: PrDraft, untilAt: number): ReturnType<typeof buildReviewHistory> {
    const closed = d.state !== 'OPEN'
    const history = buildReviewHistory(rngFor(this.ctx.seed, 'review', ...this.ctx.where, d.id), {
      author: d.author,
      team: this.ctx.team,
      state: d.state,
      openAt: d.openAt,
      untilAt,
      closed,
      pushes: d.pushes.filter((t) => t > d.openAt && t < untilAt),
      longDiscussion: d.longDiscussion,
      changeRequests: this.ctx.plan.changeRequests === true,
    })
    d.pr = {
      id: d.id,
      title: d.title,
      description: description(this.rng),
      state: d.state,
      author: d.author.uuid,
      sourceBranch: d.source,
      sourceCommit: d.head ?? this.rng.hex(40),
      targetBranch: d.target,
      createdAt: iso(d.openAt),
      updatedAt: iso(Math.max(history.updatedAt, closed ? untilAt : d.openAt)),
      closedAt: closed ? iso(untilAt) : null,
      mergeCommit: null,
      commentCount: history.commentCount,
      participants: history.participants,
      activity: history.activity,
      version: history.activity.filter((a) => a.kind === 'update').length - 1,
    }
    return history
  }

  private close(d: PrDraft, at: number): void {
    const history = this.review(d, at)
    const pr = d.pr as WPullRequest
    if (d.state !== 'MERGED') return
    const closer = identity(this.rng, history.closedBy)
    let c: WCommit
    if (d.strategy === 'merge' && d.head) {
      c = this.commit(at, [this.head(d.target), d.head], closer, mergeMessage(d.source, d.id, d.title, history.approvers), netChanges(d.featureFiles))
    } else {
      const files = changeFiles(this.fileRng, this.tree, this.fileCount() + 1)
      c = this.commit(at, [this.head(d.target)], closer, `${d.title} (pull request #${d.id})\n`, files)
    }
    this.heads.set(d.target, c.hash)
    pr.mergeCommit = c.hash
  }

  private finish(): WRepoDetail {
    const branches: WBranch[] = []
    const add = (name: string): void => {
      const head = this.heads.get(name)
      if (head !== undefined) branches.push({name, head})
    }
    add(this.main)
    if (this.develop) add(this.develop.name)
    for (const s of this.stale) add(s.name)
    for (const d of this.drafts) if (d.state === 'OPEN' && d.head) branches.push({name: d.source, head: d.head})
    return {
      repo: this.repo,
      branches,
      commits: this.chronological.reverse(),
      pullRequests: this.drafts.map((d) => d.pr as WPullRequest),
    }
  }
}
