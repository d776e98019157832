/**
 * World → Data Center 9.4 JSON. DC differs from Cloud in ways clients trip over, kept faithful here:
 * dates are epoch-millisecond numbers, links are arrays of `{href}`, repository JSON carries no dates and
 * no default branch, PR state SUPERSEDED does not exist (DC declines superseded PRs), and commit changes
 * carry no line counts.
 */
import type {WBranch, WCommit, WContainer, WFile, WParticipant, WPullRequest, WRepo, WUser, World} from '../world/types.js'

export const DC_VERSION = '9.4.2'
export const DC_BUILD_NUMBER = '9004002'

export const ms = (iso: string): number => Date.parse(iso)

type Json = Record<string, unknown>

export function renderUser(u: WUser, origin: string): Json {
  return {
    name: u.name,
    emailAddress: u.email,
    active: true,
    displayName: u.displayName,
    id: u.numericId,
    slug: u.slug,
    type: 'NORMAL',
    links: {self: [{href: `${origin}/users/${u.slug}`}]},
  }
}

/** A user key (uuid) the world no longer knows still renders: DC shows deleted users by name. */
export function renderUserKey(world: World, key: string, origin: string): Json {
  const u = world.userByKey(key)
  if (u) return renderUser(u, origin)
  return {name: key, displayName: key, active: false, slug: key.toLowerCase(), type: 'NORMAL'}
}

export function renderProject(c: WContainer, origin: string): Json {
  return {
    key: c.key,
    id: c.numericId,
    name: c.name,
    public: false,
    type: 'NORMAL',
    links: {self: [{href: `${origin}/projects/${c.key}`}]},
  }
}

export function containerOf(world: World, r: WRepo): WContainer {
  const c = world.containers().find((x) => x.key === r.container)
  // Every repo lives in a container; a fallback keeps rendering total if the world is mid-mutation.
  return c ?? {key: r.container, name: r.container, uuid: r.uuid, numericId: 0}
}

export function renderRepo(world: World, r: WRepo, origin: string): Json {
  const project = containerOf(world, r)
  const base = `${origin}/projects/${project.key}/repos/${r.slug}`
  const host = new URL(origin).hostname
  return {
    slug: r.slug,
    id: r.numericId,
    name: r.name,
    // DC's hierarchy id is 20 hex chars shared by a repo and its forks.
    hierarchyId: r.uuid.replace(/[^0-9a-f]/gi, '').slice(0, 20).toLowerCase(),
    scmId: 'git',
    state: 'AVAILABLE',
    statusMessage: 'Available',
    forkable: true,
    project: renderProject(project, origin),
    public: !r.isPrivate,
    archived: false,
    links: {
      clone: [
        {href: `${origin}/scm/${project.key.toLowerCase()}/${r.slug}.git`, name: 'http'},
        {href: `ssh://git@${host}:7999/${project.key.toLowerCase()}/${r.slug}.git`, name: 'ssh'},
      ],
      self: [{href: `${base}/browse`}],
    },
  }
}

export function renderBranch(b: WBranch, defaultBranch: string | null): Json {
  return {
    id: `refs/heads/${b.name}`,
    displayId: b.name,
    type: 'BRANCH',
    latestCommit: b.head,
    latestChangeset: b.head,
    isDefault: b.name === defaultBranch,
  }
}

function renderRef(world: World, r: WRepo, branch: string, latest: string | null, origin: string): Json {
  const out: Json = {id: `refs/heads/${branch}`, displayId: branch, type: 'BRANCH', repository: renderRepo(world, r, origin)}
  if (latest) out.latestCommit = latest
  return out
}

/** World participant → RestPullRequestParticipant. DC calls "changes requested" NEEDS_WORK. */
export function renderParticipant(world: World, p: WParticipant, sourceCommit: string | null, origin: string): Json {
  const status = p.state === 'approved' ? 'APPROVED' : p.state === 'changes_requested' ? 'NEEDS_WORK' : 'UNAPPROVED'
  const out: Json = {user: renderUserKey(world, p.user, origin), role: p.role, approved: status === 'APPROVED', status}
  if (p.state !== null && sourceCommit) out.lastReviewedCommit = sourceCommit
  return out
}

export function renderAuthor(world: World, pr: WPullRequest, origin: string): Json {
  return {user: renderUserKey(world, pr.author, origin), role: 'AUTHOR', approved: false, status: 'UNAPPROVED'}
}

/** DC has no SUPERSEDED: a superseded PR is a declined one. */
export function dcState(state: WPullRequest['state']): 'OPEN' | 'MERGED' | 'DECLINED' {
  return state === 'SUPERSEDED' ? 'DECLINED' : state
}

export function renderPullRequest(world: World, r: WRepo, pr: WPullRequest, branches: WBranch[], origin: string): Json {
  const state = dcState(pr.state)
  const project = containerOf(world, r)
  const properties: Json = {openTaskCount: 0, resolvedTaskCount: 0}
  // DC omits commentCount when there are no comments.
  if (pr.commentCount > 0) properties.commentCount = pr.commentCount
  if (pr.mergeCommit) properties.mergeCommit = {id: pr.mergeCommit, displayId: pr.mergeCommit.slice(0, 11)}
  const targetHead = branches.find((b) => b.name === pr.targetBranch)?.head ?? null
  const out: Json = {
    id: pr.id,
    version: pr.version,
    title: pr.title,
    state,
    open: state === 'OPEN',
    closed: state !== 'OPEN',
    draft: false,
    createdDate: ms(pr.createdAt),
    updatedDate: ms(pr.updatedAt),
    fromRef: renderRef(world, r, pr.sourceBranch, pr.sourceCommit, origin),
    toRef: renderRef(world, r, pr.targetBranch, targetHead, origin),
    locked: false,
    author: renderAuthor(world, pr, origin),
    reviewers: pr.participants.filter((p) => p.role === 'REVIEWER').map((p) => renderParticipant(world, p, pr.sourceCommit, origin)),
    participants: pr.participants.filter((p) => p.role === 'PARTICIPANT').map((p) => renderParticipant(world, p, pr.sourceCommit, origin)),
    properties,
    links: {self: [{href: `${origin}/projects/${project.key}/repos/${r.slug}/pull-requests/${pr.id}`}]},
  }
  if (pr.description) out.description = pr.description
  if (pr.closedAt && state !== 'OPEN') out.closedDate = ms(pr.closedAt)
  return out
}

/**
 * A commit author linked to an account renders as the full user (DC resolves the e-mail to a user);
 * otherwise as a bare RestPerson with the git name and e-mail.
 */
function renderPerson(world: World, c: WCommit, origin: string): Json {
  const linked = c.author ? world.userByKey(c.author) : undefined
  if (linked) return {...renderUser(linked, origin), emailAddress: c.authorEmail}
  return {name: c.authorName, emailAddress: c.authorEmail}
}

export function renderCommit(world: World, c: WCommit, origin: string): Json {
  const person = renderPerson(world, c, origin)
  return {
    id: c.hash,
    displayId: c.hash.slice(0, 11),
    author: person,
    authorTimestamp: ms(c.date),
    committer: person,
    committerTimestamp: ms(c.date),
    message: c.message,
    parents: c.parents.map((p) => ({id: p, displayId: p.slice(0, 11)})),
  }
}

const CHANGE_TYPE: Record<WFile['status'], string> = {added: 'ADD', modified: 'MODIFY', removed: 'DELETE', renamed: 'MOVE'}
const GIT_CHANGE_TYPE: Record<WFile['status'], string> = {added: 'ADD', modified: 'MODIFY', removed: 'DELETE', renamed: 'RENAME'}

export function renderPath(path: string): Json {
  const components = path.split('/')
  const name = components[components.length - 1] ?? path
  const dot = name.lastIndexOf('.')
  const out: Json = {components, parent: components.slice(0, -1).join('/'), name, toString: path}
  if (dot > 0) out.extension = name.slice(dot + 1)
  return out
}

/**
 * Content ids are blob hashes in DC: a scripted repository's files carry the real ones; elsewhere,
 * stable 40-hex stand-ins derived from commit and path.
 */
function contentId(commit: string, path: string, salt: string): string {
  let h = 0x811c9dc5
  const s = `${commit}:${path}:${salt}`
  let out = ''
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
    h = Math.imul(h ^ round, 0x01000193) >>> 0
    out += h.toString(16).padStart(8, '0')
  }
  return out
}

export function renderChange(c: WCommit, f: WFile, origin: string, base: string): Json {
  const out: Json = {
    contentId: f.status === 'removed' ? '0000000000000000000000000000000000000000' : f.git?.newOid ?? contentId(c.hash, f.path, 'to'),
    path: renderPath(f.path),
    executable: f.git?.newMode === '100755',
    percentUnchanged: f.status === 'renamed' ? 100 : -1,
    type: CHANGE_TYPE[f.status],
    nodeType: 'FILE',
    properties: {gitChangeType: GIT_CHANGE_TYPE[f.status]},
    links: {self: [{href: `${origin}${base}/browse/${f.path}?at=${c.hash}`}]},
  }
  if (f.status !== 'added') out.fromContentId = f.git?.oldOid ?? contentId(c.parents[0] ?? c.hash, f.oldPath ?? f.path, 'from')
  if (f.status === 'renamed' && f.oldPath) {
    out.srcPath = renderPath(f.oldPath)
    out.srcExecutable = f.git?.oldMode === '100755'
  }
  return out
}
