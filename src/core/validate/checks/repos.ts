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

/**
 * Once `webhooks ensure` recorded a setup: every selected repository is covered by a hook of ours (on it
 * or on its workspace/project), the secret is in the store, URL and events are as ensured, and (Data
 * Center) the last delivery did not fail.
 */
export const webhooksCheck: Check = {
  id: 'webhooks',
  title: 'Webhooks present with a secret',
  async run(ctx) {
    const {deps} = ctx
    const ensured = deps.webhooks?.connection.webhooks
    if (!deps.features.webhooks || !ensured) {
      return [row(this.id, this.title, 'skip', 'webhooks not configured yet',
        'No `webhooks ensure` was run for this connection; run `bb-integrate webhooks ensure --url URL` to keep the store current in real time.')]
    }
    const gate = await ctx.authGate()
    if (gate) return [row(this.id, this.title, 'skip', gate)]
    const wctx = deps.webhooks!
    const selection = deps.connection?.selection ?? []
    if (selection.length === 0) return [row(this.id, this.title, 'skip', 'no repositories selected to check webhooks on')]
    const [{listWebhooks}, {readWebhookSecret}] = await Promise.all([import('../../webhooks/list.js'), import('../../webhooks/secret.js')])
    const fails: string[] = []
    const warns: string[] = []
    if (!await readWebhookSecret(wctx.secretStore, wctx.connection.name)) fails.push('the webhook secret is missing from the secret store')
    const listed = await listWebhooks(wctx, {repos: selection, concurrency: deps.concurrency})
    for (const e of listed.errors) fails.push(`${e.target}: ${e.reason}`)
    const ours = listed.hooks.filter((h) => h.ours)
    const covered = (repo: string): boolean => ours.some((h) => h.target === repo || (h.scope !== 'repo' && h.target === repo.split('/')[0]))
    const bare = selection.filter((r) => !covered(r) && !listed.errors.some((e) => e.target === r))
    if (bare.length > 0) fails.push(`no webhook of ours on ${plural(bare.length, 'selected repository', 'selected repositories')} (${bare.slice(0, 3).join(', ')}${bare.length > 3 ? ', …' : ''})`)
    for (const h of ours) if (h.drift?.length) fails.push(`${h.target}: ${h.drift.join(', ')} differ from what was ensured`)
    const perTarget = new Map<string, number>()
    for (const h of ours) perTarget.set(`${h.scope}:${h.target}`, (perTarget.get(`${h.scope}:${h.target}`) ?? 0) + 1)
    const dups = [...perTarget].filter(([, n]) => n > 1).map(([t]) => t.slice(t.indexOf(':') + 1))
    if (dups.length > 0) warns.push(`more than one hook of ours on ${dups.join(', ')}`)
    for (const h of ours) {
      const failure = await wctx.api.latestFailure({id: h.id, scope: h.scope, target: h.target, url: h.url, description: h.description,
        events: h.events, active: h.active, hasSecret: Boolean(h.secretSet)}, wctx.signal)
      if (failure) warns.push(`the last failed delivery to ${h.url} (${h.target}${failure.at ? `, ${failure.at}` : ''}${failure.event ? `, ${failure.event}` : ''}): ${failure.detail}`)
    }
    if (fails.length > 0) return [row(this.id, this.title, 'fail', [...fails, ...warns].join('; ') + '.', 'Run `bb-integrate webhooks ensure` to put them back as ensured.')]
    if (warns.length > 0) return [row(this.id, this.title, 'warn', warns.join('; ') + '.', 'Check the receiver is up and reachable (`bb-integrate webhooks test`); run `bb-integrate webhooks ensure` to remove duplicates.')]
    return [row(this.id, this.title, 'pass',
      `${plural(ours.length, 'hook')} of ours cover ${plural(selection.length, 'selected repository', 'selected repositories')}; secret set; URL and ${ensured.events.length} events as ensured.`)]
  },
}
