/** World → Cloud 2.0 JSON for commits, branches and diffstats (`author.raw` is "Name <email>"). */
import type {WBranch, WCommit, WFile, WRepo, World} from '../world/types.js'
import {accountByKey, api, escapeHtml, link, repositoryRef} from './render.js'
import {gitTime} from './time.js'

export function commit(origin: string, world: World, r: WRepo, c: WCommit): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  const base = `${api(origin)}/repositories/${full}/commit/${c.hash}`
  const author: Record<string, unknown> = {type: 'author', raw: `${c.authorName} <${c.authorEmail}>`}
  const linked = accountByKey(origin, world, c.author)
  if (linked) author.user = linked
  return {
    type: 'commit',
    hash: c.hash,
    date: gitTime(c.date, c.tz),
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
