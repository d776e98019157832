/**
 * The world: listings computed once, repository details generated on demand into a small LRU, and
 * mutations kept as a per-repository log that is replayed after a detail is regenerated (so an
 * evicted repository comes back with its changes, and memory stays bounded).
 */
import type {EntityMap, EntityName} from '../../src/core/model.js'
import {planFor} from './datasets.js'
import type {CustomSize, DatasetName, DatasetPlan} from './datasets.js'
import {WorldError} from './errors.js'
import {generateRepo} from './generate-repo.js'
import {realise, remapResult} from './git-objects.js'
import {buildLayout} from './layout.js'
import type {Layout, RepoSlot} from './layout.js'
import {Lru} from './lru.js'
import {minimumRequestsOf} from './minimum.js'
import type {MinimumOptions} from './minimum.js'
import {MAX_PUSH_COMMITS, applyMutation} from './mutations.js'
import {rngFor} from './prng.js'
import {DEFAULT_START, MUTATION_STEP_MS, iso, wholeSeconds} from './time.js'
import {repoKeyOf, truthOf} from './truth.js'
import type {TruthOptions} from './truth.js'
import type {Flavor, Mutation, MutationResult, WContainer, WProject, WRepo, WRepoDetail, WUser, World} from './types.js'
import {generateUsers, teamOf} from './users.js'

export interface WorldOptions {
  seed?: number
  dataset: DatasetName | CustomSize | string
  /**
   * Naming conventions: Cloud workspace slugs ("acme-web") with Cloud projects inside, or Data
   * Center project keys ("WEB"), the container being the project. Content is the same for both.
   */
  flavor?: Flavor
  /** Start of the logical clock (ISO); all generated history is earlier. */
  start?: string
  /** Repository details kept materialised (default 16: a sync at concurrency 8 plus webhook renders). */
  cacheSize?: number
}

type RepoMutation = Exclude<Mutation, {type: 'repo.create'} | {type: 'repo.delete'}>

interface LoggedMutation {
  m: RepoMutation
  at: number
  seq: number
}

const SLUG = /^[a-z0-9][a-z0-9._-]{0,61}$/

export class GeneratedWorld implements World {
  readonly seed: number
  readonly dataset: string
  readonly flavor: Flavor
  /** How many times a repository detail was generated (LRU misses); for tests and benches. */
  generations = 0
  private readonly plan: DatasetPlan
  private readonly layout: Layout
  private readonly userList: WUser[]
  private readonly userIndex: Map<string, WUser>
  private readonly slots = new Map<string, RepoSlot>()
  private readonly start: number
  /** The logical clock (epoch ms); moved by each successful mutation. */
  private clock: number
  private seq = 0
  private nextRepoId: number
  private readonly cache: Lru<string, WRepoDetail>
  private readonly logs = new Map<string, LoggedMutation[]>()
  /** Listing metadata of repositories changed by mutations. */
  private readonly overrides = new Map<string, WRepo>()
  private readonly created = new Map<string, WRepo>()
  private readonly deleted = new Set<string>()
  private readonly minimumCache = new Map<string, number>()

  constructor(options: WorldOptions) {
    this.seed = options.seed ?? 1
    this.flavor = options.flavor ?? 'cloud'
    this.plan = planFor(options.dataset)
    this.dataset = this.plan.name
    // Whole seconds, so mutation times are valid git commit times too.
    this.start = wholeSeconds(Date.parse(options.start ?? DEFAULT_START))
    if (Number.isNaN(this.start)) throw new Error(`bad start time ${options.start}`)
    this.clock = this.start
    this.cache = new Lru(options.cacheSize ?? 16)
    this.userList = generateUsers(this.seed, this.plan.users)
    this.userIndex = new Map(this.userList.map((u) => [u.uuid, u]))
    this.layout = buildLayout(this.seed, this.flavor, this.plan, this.start)
    let maxId = 0
    for (const slots of this.layout.repos.values()) {
      for (const slot of slots) {
        this.slots.set(repoKeyOf(slot.repo), slot)
        maxId = Math.max(maxId, slot.repo.numericId)
      }
    }
    this.nextRepoId = maxId + 1
  }

  now(): string {
    return iso(this.clock)
  }

  users(): WUser[] {
    return this.userList.map((u) => ({...u}))
  }

  userByKey(uuid: string): WUser | undefined {
    const u = this.userIndex.get(uuid)
    return u ? {...u} : undefined
  }

  containers(): WContainer[] {
    return this.layout.containers.map((c) => ({...c}))
  }

  projects(container: string): WProject[] {
    return (this.layout.projects.get(container) ?? []).map((p) => ({...p}))
  }

  repos(container: string): WRepo[] {
    const out: WRepo[] = []
    for (const slot of this.layout.repos.get(container) ?? []) {
      const key = repoKeyOf(slot.repo)
      if (this.deleted.has(key) || this.created.has(key)) continue
      out.push({...(this.overrides.get(key) ?? slot.repo)})
    }
    for (const [key, repo] of this.created) if (repo.container === container) out.push({...(this.overrides.get(key) ?? repo)})
    return out
  }

  repo(key: string): WRepo | undefined {
    if (this.deleted.has(key)) return undefined
    const base = this.created.get(key) ?? this.slots.get(key)?.repo
    return base ? {...(this.overrides.get(key) ?? base)} : undefined
  }

  detail(key: string): WRepoDetail {
    const cached = this.cache.get(key)
    if (cached) return cached
    const detail = this.materialise(key)
    this.cache.set(key, detail)
    return detail
  }

  private materialise(key: string): WRepoDetail {
    if (this.deleted.has(key)) throw new WorldError(404, `repository ${key} does not exist`)
    const made = this.created.get(key)
    const slot = made ? undefined : this.slots.get(key)
    if (!made && !slot) throw new WorldError(404, `repository ${key} does not exist`)
    this.generations++
    const detail: WRepoDetail = slot
      ? generateRepo({
        seed: this.seed,
        repo: slot.repo,
        plan: slot.plan,
        team: this.teamFor(key),
        jira: this.jiraFor(slot.repo.container),
        where: [slot.containerIndex, slot.repoIndex],
      })
      : {repo: {...(made as WRepo)}, branches: [], commits: [], pullRequests: []}
    realise(detail)
    for (const entry of this.logs.get(key) ?? []) this.apply(key, detail, entry)
    return detail
  }

  private teamFor(key: string): WUser[] {
    const slot = this.created.has(key) ? undefined : this.slots.get(key)
    return slot ? teamOf(this.seed, this.userList, slot.containerIndex, slot.repoIndex) : teamOf(this.seed, this.userList, 'created', key)
  }

  private jiraFor(container: string): readonly string[] {
    return this.layout.jira.get(container) ?? ['PROJ']
  }

  private apply(key: string, detail: WRepoDetail, entry: LoggedMutation): MutationResult {
    const result = applyMutation(detail, entry.m, {
      at: entry.at,
      rng: rngFor(this.seed, 'mutation', key, entry.seq),
      team: this.teamFor(key),
      user: (uuid) => this.userIndex.get(uuid),
      jira: this.jiraFor(detail.repo.container),
    })
    return remapResult(result, realise(detail))
  }

  mutate(m: Mutation): MutationResult {
    // A push's commits are one second apart and all later than anything before.
    const pushed = m.type === 'push' && Number.isInteger(m.commits) ? Math.min(Math.max(m.commits ?? 1, 1), MAX_PUSH_COMMITS) : 1
    const at = this.clock + MUTATION_STEP_MS + (pushed - 1) * 1000
    let result: MutationResult
    if (m.type === 'repo.create') result = this.createRepo(m.container, m.slug, at)
    else if (m.type === 'repo.delete') result = this.deleteRepo(m.repo)
    else {
      const detail = this.detail(m.repo)
      const entry: LoggedMutation = {m: structuredClone(m), at, seq: this.seq + 1}
      try {
        result = this.apply(m.repo, detail, entry)
      } catch (error) {
        // A refused mutation may have touched the detail before failing: regenerate it next time.
        this.cache.delete(m.repo)
        throw error
      }
      const log = this.logs.get(m.repo) ?? []
      log.push(entry)
      this.logs.set(m.repo, log)
      this.overrides.set(m.repo, {...detail.repo})
    }
    this.seq++
    this.clock = at
    this.minimumCache.clear()
    return result
  }

  private createRepo(container: string, slug: string, at: number): MutationResult {
    const projects = this.layout.projects.get(container)
    if (!projects) throw new WorldError(404, `no such workspace or project ${container}`)
    if (!SLUG.test(slug)) throw new WorldError(400, `invalid repository slug "${slug}"`)
    const key = `${container}/${slug}`
    if (this.repo(key)) throw new WorldError(409, `repository ${key} already exists`)
    const rng = rngFor(this.seed, 'created-repo', key, this.seq + 1)
    const repo: WRepo = {
      container,
      slug,
      name: slug,
      projectKey: (projects[0] as WProject).key,
      isPrivate: true,
      defaultBranch: null,
      createdAt: iso(at),
      updatedAt: iso(at),
      uuid: `{${rng.uuid()}}`,
      numericId: this.nextRepoId++,
    }
    this.forget(key)
    this.deleted.delete(key)
    this.created.set(key, repo)
    return {events: [{kind: 'repo.created', repo: key}], details: {repo: key}}
  }

  private deleteRepo(key: string): MutationResult {
    if (!this.repo(key)) throw new WorldError(404, `repository ${key} does not exist`)
    this.forget(key)
    this.created.delete(key)
    this.deleted.add(key)
    return {events: [{kind: 'repo.deleted', repo: key}], details: {repo: key}}
  }

  private forget(key: string): void {
    this.cache.delete(key)
    this.logs.delete(key)
    this.overrides.delete(key)
  }

  truth<E extends EntityName>(flavor: Flavor, entity: E, connection: string, options?: TruthOptions): Iterable<EntityMap[E]> {
    return truthOf(this, flavor, entity, connection, options)
  }

  minimumRequests(flavor: Flavor, options: MinimumOptions = {}): number {
    const key = `${flavor}:${options.commitFiles === true}:${options.reviews === true}:${options.reviewsFromListing === true}`
    let n = this.minimumCache.get(key)
    if (n === undefined) {
      n = minimumRequestsOf(this, flavor, options)
      this.minimumCache.set(key, n)
    }
    return n
  }
}

export function createWorld(options: WorldOptions): GeneratedWorld {
  return new GeneratedWorld(options)
}
