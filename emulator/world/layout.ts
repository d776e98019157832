/**
 * Containers (Cloud workspaces / DC projects), Cloud projects and repository listings. Cheap: only
 * metadata, computed once per world, even for the large dataset.
 */
import type {DatasetPlan, RepoPlan} from './datasets.js'
import {rngFor} from './prng.js'
import {DAY, HOUR, MINUTE, iso} from './time.js'
import type {Flavor, WContainer, WProject, WRepo} from './types.js'
import {JIRA_PROJECTS, REPO_NAMES} from './vocabulary.js'

const WORKSPACES: ReadonlyArray<readonly [string, string, string]> = [
  ['acme-platform', 'PLAT', 'Acme Platform'],
  ['acme-web', 'WEB', 'Acme Web 🌐'],
  ['acme-data', 'DATA', 'Acme Données'],
  ['acme-payments', 'PAY', 'Acme Payments'],
  ['acme-mobile', 'MOB', 'Acme Mobile 📱'],
  ['acme-infra', 'INFRA', 'Acme Infrastructure'],
]

const CLOUD_PROJECTS: ReadonlyArray<readonly [string, string]> = [
  ['CORE', 'Core Services'], ['TOOLS', 'Developer Tools'], ['APPS', 'Applications ✨'],
]

export interface RepoSlot {
  repo: WRepo
  plan: RepoPlan
  /** Position in the dataset; the seed of everything in the repository derives from it. */
  containerIndex: number
  repoIndex: number
}

export interface Layout {
  containers: WContainer[]
  projects: Map<string, WProject[]>
  /** Repositories per container key, in listing order. */
  repos: Map<string, RepoSlot[]>
  /** Jira project keys used in the texts of each container. */
  jira: Map<string, readonly string[]>
}

function containerNames(flavor: Flavor, index: number): {key: string; name: string} {
  const base = WORKSPACES[index % WORKSPACES.length] as readonly [string, string, string]
  const round = Math.floor(index / WORKSPACES.length)
  if (flavor === 'datacenter') return {key: round === 0 ? base[1] : `${base[1]}_${round + 1}`, name: round === 0 ? base[2] : `${base[2]} ${round + 1}`}
  return {key: round === 0 ? base[0] : `${base[0]}-${round + 1}`, name: round === 0 ? base[2] : `${base[2]} ${round + 1}`}
}

/** Repository listing metadata; the generator reads its time window and default branch from here. */
function makeRepo(seed: number, start: number, container: WContainer, projectKey: string, plan: RepoPlan, ci: number, ri: number, taken: Set<string>, numericId: number): WRepo {
  const rng = rngFor(seed, 'repo', ci, ri)
  const [baseSlug, baseName] = plan.sandbox ? ['sandbox', 'Sandbox (empty)'] : plan.script ? ['edge-cases', 'Git edge cases'] : REPO_NAMES[(ri + ci * 7) % REPO_NAMES.length] as readonly [string, string]
  let slug = baseSlug
  let name = baseName
  // Numbered copies: repository names are never scanned for issue keys, so digits are safe here.
  for (let n = 2; taken.has(slug); n++) {
    slug = `${baseSlug}-${n}`
    name = `${baseName} ${n}`
  }
  taken.add(slug)
  const createdAt = start - rng.range(200, 1500) * DAY - rng.int(DAY)
  const updatedAt = plan.commits === 0 ? createdAt + rng.range(1, 30) * MINUTE : start - rng.range(1, 30) * DAY - rng.int(12 * HOUR)
  return {
    container: container.key,
    slug,
    name,
    projectKey,
    isPrivate: rng.chance(0.8),
    defaultBranch: plan.commits === 0 ? null : rng.chance(0.7) ? 'main' : 'master',
    createdAt: iso(createdAt),
    updatedAt: iso(updatedAt),
    uuid: `{${rng.uuid()}}`,
    numericId,
  }
}

export function buildLayout(seed: number, flavor: Flavor, plan: DatasetPlan, start: number): Layout {
  const layout: Layout = {containers: [], projects: new Map(), repos: new Map(), jira: new Map()}
  let repoId = 1
  plan.containers.forEach((cp, ci) => {
    const rng = rngFor(seed, 'container', ci)
    const {key, name} = containerNames(flavor, ci)
    const container: WContainer = {key, name, uuid: `{${rng.uuid()}}`, numericId: 1 + ci}
    layout.containers.push(container)
    layout.jira.set(key, JIRA_PROJECTS[ci % JIRA_PROJECTS.length] as readonly string[])
    // DC has no level between project and repository: the container is the project.
    const projects: WProject[] = flavor === 'datacenter'
      ? [{container: key, key, name, uuid: container.uuid}]
      : CLOUD_PROJECTS.slice(0, Math.max(1, cp.projects)).map(([pk, pn]) => ({container: key, key: pk, name: pn, uuid: `{${rng.uuid()}}`}))
    layout.projects.set(key, projects)
    const taken = new Set<string>()
    const slots: RepoSlot[] = cp.repos.map((rp, ri) => {
      const project = projects[ri % projects.length] as WProject
      return {repo: makeRepo(seed, start, container, project.key, rp, ci, ri, taken, repoId++), plan: rp, containerIndex: ci, repoIndex: ri}
    })
    layout.repos.set(key, slots)
  })
  return layout
}
