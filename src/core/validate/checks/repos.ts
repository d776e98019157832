import {effectiveSelection} from '../../repos/selection.js'
import {fmt, plural, row, type Check} from '../check.js'
import type {DescribedError} from '../describe.js'
import type {CheckResult} from '../types.js'

function failure(key: string, what: string, e: DescribedError): CheckResult {
  const id = `repo:${key}`
  const title = `Repository ${key} readable`
  if (e.kind === 'forbidden') {
    return row(id, title, 'fail', `${what} not readable: 403${e.required.length ? `, needs ${e.required.join(', ')}` : ''}.`, 'Grant the missing scope or permission (see the scopes row).')
  }
  if (e.kind === 'notFound') return row(id, title, 'fail', `${what}: not found (404).`, 'Deselect it: `bb-integrate repos select`.')
  if (e.kind === 'rateLimited') return row(id, title, 'warn', `${what}: not checked, rate-limited (429).`, 'See the rate-limit row.')
  return row(id, title, 'fail', `${what}: ${e.message}`)
}

/**
 * Every selected repo and its pull requests, two requests each, a few in parallel. Failing repos get
 * their own row; passing ones are summed up in the `repos` row so 500 selected repos stay readable.
 */
export const reposCheck: Check = {
  id: 'repos',
  title: 'Selected repositories readable',
  async run(ctx) {
    const {deps, probes} = ctx
    // The same answer `sync` acts on: nothing selected means every repository the credential can see.
    const effective = effectiveSelection(deps.connection ?? {selection: []})
    const selection = effective.repos
    const gate = await ctx.authGate()
    if (gate) return [row(this.id, this.title, 'skip', gate)]
    if (effective.source === 'all') {
      return [row(this.id, this.title, 'pass', 'No repositories selected: `sync` syncs every repository this credential can see.', 'To sync fewer, run `bb-integrate repos select`.')]
    }
    const {default: pLimit} = await import('p-limit')
    const limit = pLimit(deps.concurrency ?? 8)
    const rows = await Promise.all(
      selection.map((key) =>
        limit(async (): Promise<CheckResult | null> => {
          const repo = await probes.repository(key)
          if (!repo.ok) return failure(key, 'repository', repo.error)
          if (repo.value === null) {
            return row(`repo:${key}`, `Repository ${key} readable`, 'fail', `${key} no longer exists or is not visible to this credential.`,
              `Deselect it (\`bb-integrate repos select\`) or restore access; \`bb-integrate repos list\` shows what is visible.`)
          }
          const prs = await probes.pullRequests(key)
          if (!prs.ok) return failure(key, 'pull requests', prs.error)
          return null
        }),
      ),
    )
    const problems = rows.filter((r): r is CheckResult => r !== null)
    const failed = problems.filter((r) => r.status === 'fail')
    const unchecked = problems.length - failed.length
    const good = selection.length - problems.length
    const names = (list: CheckResult[]) => `${list.map((p) => p.id.slice(5)).slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`
    const summary = problems.length === 0
      ? row(this.id, this.title, 'pass', `${plural(selection.length, 'selected repository', 'selected repositories')} and their pull requests readable.`)
      : row(this.id, this.title, failed.length > 0 ? 'fail' : 'warn',
        `${fmt(good)} of ${fmt(selection.length)} readable` +
          (failed.length ? `; failing: ${names(failed)}` : '') +
          (unchecked ? `; ${fmt(unchecked)} not checked (rate-limited)` : '') + '.',
        (failed[0] ?? problems[0])?.remedy ?? null)
    return [summary, ...problems]
  },
}

export const webhooksCheck: Check = {
  id: 'webhooks',
  title: 'Webhooks present with a secret',
  async run({deps}) {
    if (!deps.features.webhooks) {
      return [row(this.id, this.title, 'skip', 'webhooks not configured yet', null)]
    }
    // The webhook feature will report here once `webhooks ensure` records what it manages.
    return [row(this.id, this.title, 'skip', 'webhook checks are not implemented yet', null)]
  },
}
