/**
 * World → Cloud 2.0 JSON: accounts, workspaces, projects, repositories (code and PRs in render-*.ts). Shapes follow components.schemas of the Cloud spec (links objects carry only
 * the keys the schema allows); quirks are Cloud's own: 12-character hashes inside PR payloads,
 * microsecond timestamps, `author.raw` as "Name <email>".
 */
import type {WContainer, WProject, WRepo, WUser, World} from '../world/types.js'
import {cloudTime} from './time.js'

export const link = (href: string) => ({href})
export const api = (origin: string) => `${origin}/2.0`


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

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[ch] as string)
}
