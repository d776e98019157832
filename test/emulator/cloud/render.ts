/**
 * World → Cloud 2.0 JSON. Shapes follow components.schemas of the Cloud spec (links objects carry only
 * the keys the schema allows); quirks are Cloud's own: 12-character hashes inside PR payloads,
 * microsecond timestamps, `author.raw` as "Name <email>".
 */
import type {WBranch, WCommit, WContainer, WFile, WParticipant, WProject, WPullRequest, WRepo, WUser, World} from '../world/types.js'
import {cloudTime, gitTime} from './time.js'

const link = (href: string) => ({href})
const api = (origin: string) => `${origin}/2.0`
const short = (hash: string | null) => (hash ? hash.slice(0, 12) : null)

export function avatar(origin: string, seed: string): string {
  return `${origin}/account/${encodeURIComponent(seed)}/avatar/32`
}

/** The account object embedded in PRs, commits, participants (schema `account`/`user`). */
export function account(origin: string, user: WUser): Record<string, unknown> {
  return {
    type: 'user',
    uuid: user.uuid,
    account_id: user.accountId,
    nickname: user.slug,
    display_name: user.displayName,
    links: {
      self: link(`${api(origin)}/users/${encodeURIComponent(user.uuid)}`),
      avatar: link(avatar(origin, user.accountId)),
      html: link(`${origin}/${encodeURIComponent(user.uuid)}/`),
    },
  }
}

export function accountByKey(origin: string, world: World, key: string | null): Record<string, unknown> | null {
  if (!key) return null
  const user = world.userByKey(key)
  return user ? account(origin, user) : null
}

/** GET /user: the account plus profile fields. */
export function fullUser(origin: string, user: WUser): Record<string, unknown> {
  return {
    ...account(origin, user),
    links: {
      self: link(`${api(origin)}/users/${encodeURIComponent(user.uuid)}`),
      avatar: link(avatar(origin, user.accountId)),
      html: link(`${origin}/${encodeURIComponent(user.uuid)}/`),
      repositories: link(`${api(origin)}/repositories/${encodeURIComponent(user.uuid)}`),
    },
    account_status: 'active',
    is_staff: false,
    location: null,
  }
}

export function workspace(origin: string, w: WContainer): Record<string, unknown> {
  const base = `${api(origin)}/workspaces/${w.key}`
  return {
    type: 'workspace',
    uuid: w.uuid,
    name: w.name,
    slug: w.key,
    is_private: true,
    is_privacy_enforced: false,
    forking_mode: 'allow_forks',
    links: {
      avatar: link(avatar(origin, w.key)),
      html: link(`${origin}/${w.key}/`),
      members: link(`${base}/members`),
      owners: link(`${base}/members?q=permission%3D%22owner%22`),
      projects: link(`${base}/projects`),
      repositories: link(`${api(origin)}/repositories/${w.key}`),
      snippets: link(`${api(origin)}/snippets/${w.key}`),
      self: link(base),
    },
  }
}

/** The workspace as the owner account of its repositories and projects (schema `team`). */
function owner(origin: string, w: WContainer): Record<string, unknown> {
  return {
    type: 'team',
    uuid: w.uuid,
    username: w.key,
    display_name: w.name,
    links: {
      self: link(`${api(origin)}/workspaces/${w.key}`),
      html: link(`${origin}/${w.key}/`),
      avatar: link(avatar(origin, w.key)),
    },
  }
}

export function project(origin: string, w: WContainer, p: WProject, repos: WRepo[]): Record<string, unknown> {
  const mine = repos.filter((r) => r.projectKey === p.key)
  const times = mine.flatMap((r) => [r.createdAt, r.updatedAt]).sort()
  return {
    type: 'project',
    key: p.key,
    uuid: p.uuid,
    name: p.name,
    description: '',
    is_private: true,
    has_publicly_visible_repos: mine.some((r) => !r.isPrivate),
    created_on: cloudTime(times[0] ?? null) ?? undefined,
    updated_on: cloudTime(times[times.length - 1] ?? null) ?? undefined,
    owner: owner(origin, w),
    links: {
      html: link(`${origin}/${w.key}/workspace/projects/${p.key}`),
      avatar: link(avatar(origin, `${w.key}-${p.key}`)),
    },
  }
}

export function repository(origin: string, world: World, r: WRepo): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  const base = `${api(origin)}/repositories/${full}`
  const w = world.containers().find((c) => c.key === r.container)
  const p = world.projects(r.container).find((x) => x.key === r.projectKey)
  return {
    type: 'repository',
    uuid: r.uuid,
    full_name: full,
    name: r.name,
    slug: r.slug,
    is_private: r.isPrivate,
    scm: 'git',
    description: '',
    created_on: cloudTime(r.createdAt),
    updated_on: cloudTime(r.updatedAt),
    size: 0,
    language: '',
    has_issues: false,
    has_wiki: false,
    fork_policy: 'allow_forks',
    website: null,
    owner: w ? owner(origin, w) : undefined,
    workspace: w ? {type: 'workspace', uuid: w.uuid, slug: w.key, name: w.name, links: {self: link(`${api(origin)}/workspaces/${w.key}`), html: link(`${origin}/${w.key}/`), avatar: link(avatar(origin, w.key))}} : undefined,
    project: p ? {type: 'project', key: p.key, uuid: p.uuid, name: p.name, links: {html: link(`${origin}/${r.container}/workspace/projects/${p.key}`), avatar: link(avatar(origin, `${r.container}-${p.key}`))}} : undefined,
    mainbranch: r.defaultBranch === null ? null : {type: 'branch', name: r.defaultBranch},
    links: {
      self: link(base),
      html: link(`${origin}/${full}`),
      avatar: link(avatar(origin, full)),
      pullrequests: link(`${base}/pullrequests`),
      commits: link(`${base}/commits`),
      forks: link(`${base}/forks`),
      watchers: link(`${base}/watchers`),
      downloads: link(`${base}/downloads`),
      clone: [
        {name: 'https', href: `${origin}/${full}.git`},
        {name: 'ssh', href: `ssh://git@${new URL(origin).hostname}/${full}.git`},
      ],
      hooks: link(`${base}/hooks`),
    },
  }
}

/** The short repository object nested in PR endpoints and webhook payloads. */
export function repositoryRef(origin: string, r: WRepo): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  return {
    type: 'repository',
    full_name: full,
    name: r.name,
    uuid: r.uuid,
    links: {self: link(`${api(origin)}/repositories/${full}`), html: link(`${origin}/${full}`), avatar: link(avatar(origin, full))},
  }
}

export function commit(origin: string, world: World, r: WRepo, c: WCommit): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  const base = `${api(origin)}/repositories/${full}/commit/${c.hash}`
  const author: Record<string, unknown> = {type: 'author', raw: `${c.authorName} <${c.authorEmail}>`}
  const linked = accountByKey(origin, world, c.author)
  if (linked) author.user = linked
  return {
    type: 'commit',
    hash: c.hash,
    date: gitTime(c.date),
    author,
    message: c.message,
    summary: {raw: c.message, markup: 'markdown', html: `<p>${escapeHtml(c.message)}</p>`},
    parents: c.parents.map((h) => ({type: 'commit', hash: h, links: {self: link(`${api(origin)}/repositories/${full}/commit/${h}`), html: link(`${origin}/${full}/commits/${h}`)}})),
    repository: repositoryRef(origin, r),
    links: {
      self: link(base),
      html: link(`${origin}/${full}/commits/${c.hash}`),
      diff: link(`${api(origin)}/repositories/${full}/diff/${c.hash}`),
      patch: link(`${api(origin)}/repositories/${full}/patch/${c.hash}`),
      comments: link(`${base}/comments`),
      approve: link(`${base}/approve`),
      statuses: link(`${base}/statuses`),
    },
  }
}

export function branch(origin: string, world: World, r: WRepo, b: WBranch, head: WCommit | undefined): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  return {
    type: 'branch',
    name: b.name,
    target: head ? commit(origin, world, r, head) : {type: 'commit', hash: b.head},
    merge_strategies: ['merge_commit', 'squash', 'fast_forward'],
    default_merge_strategy: 'merge_commit',
    links: {
      self: link(`${api(origin)}/repositories/${full}/refs/branches/${encodeURIComponent(b.name)}`),
      commits: link(`${api(origin)}/repositories/${full}/commits/${encodeURIComponent(b.name)}`),
      html: link(`${origin}/${full}/branch/${encodeURIComponent(b.name)}`),
    },
  }
}

function commitFile(origin: string, r: WRepo, path: string, hash: string): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  return {type: 'commit_file', path, escaped_path: path, links: {self: link(`${api(origin)}/repositories/${full}/src/${hash}/${path}`)}}
}

export function diffstat(origin: string, r: WRepo, c: WCommit, f: WFile): Record<string, unknown> {
  const parent = c.parents[0] ?? c.hash
  const oldPath = f.status === 'added' ? null : f.oldPath ?? f.path
  return {
    type: 'diffstat',
    status: f.status,
    lines_added: f.linesAdded,
    lines_removed: f.linesRemoved,
    old: oldPath === null ? null : commitFile(origin, r, oldPath, parent),
    new: f.status === 'removed' ? null : commitFile(origin, r, f.path, c.hash),
  }
}

export function participant(origin: string, world: World, p: WParticipant): Record<string, unknown> {
  return {
    type: 'participant',
    user: accountByKey(origin, world, p.user),
    role: p.role,
    approved: p.state === 'approved',
    state: p.state,
    participated_on: cloudTime(p.participatedOn),
  }
}

/** Who closed a PR: the user of the last update that moved it out of OPEN. */
export function closedBy(pr: WPullRequest): string | null {
  if (pr.state === 'OPEN') return null
  const update = [...pr.activity].reverse().find((a) => a.kind === 'update' && a.state === pr.state)
  return update?.user ?? null
}

export function pullRequest(origin: string, world: World, r: WRepo, pr: WPullRequest, heads: Map<string, string>): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  const base = `${api(origin)}/repositories/${full}/pullrequests/${pr.id}`
  // An endpoint without a known commit omits `commit` (the schema has no null there).
  const endpoint = (branchName: string, hash: string | null | undefined) => ({
    branch: {name: branchName},
    ...(hash ? {commit: {hash: short(hash)}} : {}),
    repository: repositoryRef(origin, r),
  })
  const reviewers = pr.participants.filter((p) => p.role === 'REVIEWER').map((p) => accountByKey(origin, world, p.user)).filter(Boolean)
  return {
    type: 'pullrequest',
    id: pr.id,
    title: pr.title,
    description: pr.description,
    summary: {raw: pr.description, markup: 'markdown', html: `<p>${escapeHtml(pr.description)}</p>`},
    rendered: {
      title: {raw: pr.title, markup: 'markdown', html: `<p>${escapeHtml(pr.title)}</p>`},
      description: {raw: pr.description, markup: 'markdown', html: `<p>${escapeHtml(pr.description)}</p>`},
    },
    state: pr.state,
    author: accountByKey(origin, world, pr.author),
    source: endpoint(pr.sourceBranch, pr.sourceCommit),
    destination: endpoint(pr.targetBranch, heads.get(pr.targetBranch)),
    merge_commit: pr.mergeCommit ? {hash: short(pr.mergeCommit)} : null,
    comment_count: pr.commentCount,
    task_count: 0,
    close_source_branch: false,
    closed_by: accountByKey(origin, world, closedBy(pr)),
    reason: '',
    created_on: cloudTime(pr.createdAt),
    updated_on: cloudTime(pr.updatedAt),
    reviewers,
    participants: pr.participants.map((p) => participant(origin, world, p)),
    draft: false,
    queued: false,
    links: {
      self: link(base),
      html: link(`${origin}/${full}/pull-requests/${pr.id}`),
      commits: link(`${base}/commits`),
      approve: link(`${base}/approve`),
      diff: link(`${base}/diff`),
      diffstat: link(`${base}/diffstat`),
      comments: link(`${base}/comments`),
      activity: link(`${base}/activity`),
      merge: link(`${base}/merge`),
      decline: link(`${base}/decline`),
    },
  }
}

/** The trimmed PR object Cloud nests in activity entries and webhook payloads. */
export function pullRequestRef(origin: string, r: WRepo, pr: WPullRequest): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  const base = `${api(origin)}/repositories/${full}/pullrequests/${pr.id}`
  return {type: 'pullrequest', id: pr.id, title: pr.title, links: {self: link(base), html: link(`${origin}/${full}/pull-requests/${pr.id}`)}}
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[ch] as string)
}
