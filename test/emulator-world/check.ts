/**
 * Invariants every world must keep, as a list of violations (empty = fine). Shared by the tests so
 * each dataset and each mutated world is held to the same rules.
 */
import {stateAfter} from '../../emulator/world/activity.js'
import type {WParticipantState, WRepoDetail, World} from '../../emulator/world/types.js'

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
export const CLOUD_UUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\}$/

export function allDetails(world: World): WRepoDetail[] {
  return world.containers().flatMap((c) => world.repos(c.key)).map((r) => world.detail(`${r.container}/${r.slug}`))
}

export function checkWorld(world: World): string[] {
  const problems: string[] = []
  const now = world.now()
  for (const u of world.users()) {
    if (!CLOUD_UUID.test(u.uuid)) problems.push(`user ${u.slug}: uuid ${u.uuid}`)
    if (u.accountId !== `557058:${u.accountId.slice(7)}` || !CLOUD_UUID.test(`{${u.accountId.slice(7)}}`)) problems.push(`user ${u.slug}: accountId ${u.accountId}`)
    if (u.slug !== u.name.toLowerCase() || !/^[a-z.]+$/.test(u.slug)) problems.push(`user ${u.slug}: slug/name ${u.name}`)
  }
  for (const c of world.containers()) {
    for (const r of world.repos(c.key)) {
      const key = `${r.container}/${r.slug}`
      const at = (what: string): string => `${key}: ${what}`
      if (!ISO_MS.test(r.createdAt) || !ISO_MS.test(r.updatedAt) || r.createdAt > r.updatedAt || r.updatedAt > now) problems.push(at(`repo times ${r.createdAt} ${r.updatedAt}`))
      problems.push(...checkDetail(world, world.detail(key), now).map(at))
    }
  }
  return problems
}

export function checkDetail(world: World, d: WRepoDetail, now: string): string[] {
  const problems: string[] = []
  const index = new Map(d.commits.map((c, i) => [c.hash, i]))
  if (index.size !== d.commits.length) problems.push('duplicate commit hashes')
  if (d.commits.length === 0) {
    if (d.branches.length > 0 || d.repo.defaultBranch !== null || d.pullRequests.length > 0) problems.push('empty repository with branches, default branch or PRs')
    return problems
  }
  if (!d.branches.some((b) => b.name === d.repo.defaultBranch)) problems.push(`default branch ${d.repo.defaultBranch} missing`)
  d.commits.forEach((c, i) => {
    if (!/^[0-9a-f]{40}$/.test(c.hash)) problems.push(`hash ${c.hash}`)
    if (!ISO_MS.test(c.date) || !c.date.endsWith('.000Z') || c.date > now) problems.push(`commit ${c.hash} date ${c.date} (git keeps whole seconds)`)
    for (const p of c.parents) {
      const j = index.get(p)
      if (j === undefined) problems.push(`commit ${c.hash}: parent ${p} not listed`)
      else if (j <= i) problems.push(`commit ${c.hash}: parent ${p} listed before its child`)
      else if ((d.commits[j]?.date ?? '') >= c.date) problems.push(`commit ${c.hash}: not newer than parent`)
    }
    if (c.author !== null && !world.userByKey(c.author)) problems.push(`commit ${c.hash}: unknown author ${c.author}`)
    for (const f of c.files) {
      if ((f.status === 'renamed') !== (f.oldPath !== null)) problems.push(`commit ${c.hash}: ${f.status} ${f.path} oldPath ${f.oldPath}`)
      if (f.status === 'added' && f.linesRemoved !== 0) problems.push(`commit ${c.hash}: added file with removed lines`)
      if (f.status === 'removed' && f.linesAdded !== 0) problems.push(`commit ${c.hash}: removed file with added lines`)
    }
  })
  // Every listed commit is reachable from a branch head.
  const reached = new Set<string>()
  const stack = d.branches.map((b) => b.head)
  for (const b of d.branches) if (!index.has(b.head)) problems.push(`branch ${b.name}: head ${b.head} not listed`)
  while (stack.length > 0) {
    const h = stack.pop() as string
    if (reached.has(h)) continue
    reached.add(h)
    const c = d.commits[index.get(h) ?? -1]
    if (c) stack.push(...c.parents)
  }
  if (reached.size !== d.commits.length) problems.push(`${d.commits.length - reached.size} commits unreachable`)
  const branchHeads = new Map(d.branches.map((b) => [b.name, b.head]))
  for (const pr of d.pullRequests) {
    const p = (what: string): string => `PR ${pr.id}: ${what}`
    if (!world.userByKey(pr.author)) problems.push(p('unknown author'))
    if (!(pr.createdAt <= pr.updatedAt) || pr.updatedAt > now) problems.push(p(`times ${pr.createdAt} ${pr.updatedAt}`))
    if ((pr.state === 'OPEN') !== (pr.closedAt === null)) problems.push(p(`state ${pr.state} closedAt ${pr.closedAt}`))
    if (pr.closedAt !== null && (pr.closedAt < pr.createdAt || pr.closedAt > pr.updatedAt)) problems.push(p('closedAt outside createdAt..updatedAt'))
    if ((pr.state === 'MERGED') !== (pr.mergeCommit !== null)) problems.push(p(`state ${pr.state} mergeCommit ${pr.mergeCommit}`))
    if (pr.mergeCommit !== null) {
      const merge = d.commits[index.get(pr.mergeCommit) ?? -1]
      if (!merge) problems.push(p(`merge commit ${pr.mergeCommit} not in the graph`))
      else if (merge.date !== pr.closedAt) problems.push(p('merge commit time differs from closedAt'))
    }
    if (pr.state === 'OPEN' && branchHeads.get(pr.sourceBranch) !== pr.sourceCommit) problems.push(p(`open PR source ${pr.sourceBranch} head differs`))
    if (!branchHeads.has(pr.targetBranch) ) problems.push(p(`target ${pr.targetBranch} missing`))
    let previous = ''
    pr.activity.forEach((a, i) => {
      if (a.id !== i + 1) problems.push(p(`activity ids not 1..n`))
      if (a.at < previous || a.at < pr.createdAt || a.at > pr.updatedAt) problems.push(p(`activity ${a.id} time ${a.at}`))
      previous = a.at
    })
    if (pr.commentCount !== pr.activity.filter((a) => a.kind === 'comment').length) problems.push(p('commentCount differs from comment activities'))
    // Participant states are the replay of their activity.
    const replay = new Map<string, WParticipantState>()
    for (const a of pr.activity) {
      const next = stateAfter(a.kind, replay.get(a.user) ?? null)
      if (next !== undefined) replay.set(a.user, next)
    }
    const people = new Set([pr.author, ...pr.participants.map((x) => x.user)])
    for (const a of pr.activity) if (!people.has(a.user)) problems.push(p(`activity by ${a.user}, neither author nor participant`))
    if (pr.participants.some((x) => x.user === pr.author)) problems.push(p('author among participants'))
    for (const x of pr.participants) {
      if ((replay.get(x.user) ?? null) !== x.state) problems.push(p(`participant ${x.user} state ${x.state}, activity says ${replay.get(x.user) ?? null}`))
      if (!world.userByKey(x.user)) problems.push(p(`unknown participant ${x.user}`))
    }
  }
  return problems
}
