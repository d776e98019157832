/**
 * Dataset sizes. A plan says how many containers, repositories, PRs and commits there are; the
 * content itself is drawn from the seed. Sizes are fixed per dataset (not seeded) so tests can rely
 * on them: tiny for unit tests, small for the demo, medium for pagination, large for scale.
 */

export interface CustomSize {
  containers: number
  reposPerContainer: number
  prsPerRepo: number
  commitsPerRepo: number
  /** Files touched by each ordinary commit; random 1–5 when absent. */
  filesPerCommit?: number
}

export type DatasetName = 'tiny' | 'small' | 'adversarial' | 'git-adversarial' | 'medium' | 'large'

export interface RepoPlan {
  prs: number
  /** Commits reachable from the branches; 0 makes an empty repository. */
  commits: number
  filesPerCommit: number | null
  /** A PR with a discussion longer than one activity page. */
  longDiscussion: boolean
  /** The named datasets' deliberately empty repository (named "sandbox"). */
  sandbox?: boolean
  /** Every reviewer requests changes: review times need activity for nearly every PR. */
  changeRequests?: boolean
  /** A hand-written history (scripted-repo.ts) instead of a generated one. */
  script?: 'git-adversarial'
}

export interface ContainerPlan {
  /** Cloud projects inside the workspace (DC: the container is the project). */
  projects: number
  repos: RepoPlan[]
}

export interface DatasetPlan {
  name: string
  users: number
  containers: ContainerPlan[]
}

function repo(prs: number, commits: number, longDiscussion = false, filesPerCommit: number | null = null): RepoPlan {
  return {prs, commits, filesPerCommit, longDiscussion}
}

const EMPTY: RepoPlan = {...repo(0, 0), sandbox: true}

function tiny(): DatasetPlan {
  return {name: 'tiny', users: 8, containers: [{projects: 1, repos: [repo(60, 120, true), repo(6, 30), EMPTY]}]}
}

function small(): DatasetPlan {
  return {
    name: 'small',
    users: 16,
    containers: [
      {projects: 2, repos: [repo(90, 260, true), repo(40, 150), repo(25, 90), repo(10, 60), EMPTY]},
      {projects: 2, repos: [repo(60, 200, true), repo(30, 80), repo(15, 50), repo(5, 20)]},
      {projects: 1, repos: [repo(20, 60), repo(8, 30), repo(0, 12)]},
    ],
  }
}

/**
 * small's shape, where every reviewer requests changes: the listing then cannot give review times,
 * and one activity listing per PR costs far more than the repository-level listing.
 */
function adversarial(): DatasetPlan {
  const plan = small()
  return {
    name: 'adversarial',
    users: plan.users,
    containers: plan.containers.map((c) => ({...c, repos: c.repos.map((r) => ({...r, changeRequests: true}))})),
  }
}

/**
 * Git's corner cases beside an ordinary repository and an empty one: the scripted repository holds
 * merges, renames, copies, binaries, unicode and odd paths, an empty message and a 6,200-file commit.
 */
function gitAdversarial(): DatasetPlan {
  const scripted: RepoPlan = {...repo(0, 16), script: 'git-adversarial'}
  return {name: 'git-adversarial', users: 8, containers: [{projects: 1, repos: [scripted, repo(6, 30), EMPTY]}]}
}

function medium(): DatasetPlan {
  // One workspace above 100 repositories so repository listings need a second page.
  const big: RepoPlan[] = [repo(130, 320, true), EMPTY]
  for (let i = 2; i < 110; i++) big.push(repo(1 + ((i * 7) % 5), 4 + ((i * 11) % 9)))
  const second: RepoPlan[] = []
  for (let i = 0; i < 15; i++) second.push(repo(2 + (i % 4), 6 + ((i * 5) % 7)))
  return {name: 'medium', users: 30, containers: [{projects: 3, repos: big}, {projects: 2, repos: second}]}
}

function large(): DatasetPlan {
  const containers: ContainerPlan[] = []
  for (let c = 0; c < 4; c++) {
    const repos: RepoPlan[] = []
    for (let r = 0; r < 25; r++) repos.push(repo(1000, 2000, r === 0))
    containers.push({projects: 3, repos})
  }
  return {name: 'large', users: 60, containers}
}

export function custom(size: CustomSize): DatasetPlan {
  const containers: ContainerPlan[] = []
  for (let c = 0; c < size.containers; c++) {
    const repos: RepoPlan[] = []
    for (let r = 0; r < size.reposPerContainer; r++) repos.push(repo(size.prsPerRepo, size.commitsPerRepo, false, size.filesPerCommit ?? null))
    containers.push({projects: Math.min(3, Math.max(1, Math.ceil(size.reposPerContainer / 10))), repos})
  }
  const total = size.containers * size.reposPerContainer
  const name = `custom-${size.containers}x${size.reposPerContainer}x${size.prsPerRepo}x${size.commitsPerRepo}` + (size.filesPerCommit === undefined ? '' : `x${size.filesPerCommit}`)
  return {name, users: Math.max(8, Math.min(60, total * 2)), containers}
}

/** "2x3x40x100" or "custom-2x3x40x100x4": containers × repos × PRs × commits (× files per commit). */
export function parseCustomSize(text: string): CustomSize | null {
  const m = /^(?:custom-)?(\d+)x(\d+)x(\d+)x(\d+)(?:x(\d+))?$/.exec(text)
  if (!m) return null
  const [containers, reposPerContainer, prsPerRepo, commitsPerRepo] = m.slice(1, 5).map(Number) as [number, number, number, number]
  return {containers, reposPerContainer, prsPerRepo, commitsPerRepo, ...(m[5] === undefined ? {} : {filesPerCommit: Number(m[5])})}
}

export function planFor(dataset: DatasetName | CustomSize | string): DatasetPlan {
  if (typeof dataset === 'object') return custom(dataset)
  const size = parseCustomSize(dataset)
  if (size) return custom(size)
  switch (dataset) {
    case 'tiny': return tiny()
    case 'small': return small()
    case 'adversarial': return adversarial()
    case 'git-adversarial': return gitAdversarial()
    case 'medium': return medium()
    case 'large': return large()
    default: throw new Error(`unknown dataset "${String(dataset)}" (tiny, small, adversarial, git-adversarial, medium, large, or a custom size)`)
  }
}
