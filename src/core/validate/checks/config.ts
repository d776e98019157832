import {describeError} from '../describe.js'
import {plural, row, type Check} from '../check.js'

export const configCheck: Check = {
  id: 'config',
  title: 'Configuration',
  async run({deps}) {
    const {connection, connectionName} = deps
    if (deps.openError) {
      const e = describeError(deps.openError)
      const remedy = (deps.openError as {remedy?: string}).remedy ?? 'Run `bb-integrate auth status`, then `bb-integrate connect` again if a secret is missing.'
      return [row('config', this.title, 'fail', `Connection "${connectionName}" could not be opened: ${e.message}`, remedy)]
    }
    if (!connection) {
      return [
        row('config', this.title, 'fail', `No connection named "${connectionName}" is configured.`,
          'Run `bb-integrate connect` (or set BB_INTEGRATE_TOKEN with BB_INTEGRATE_URL and BB_INTEGRATE_PROVIDER in CI).'),
      ]
    }
    const creds = deps.usingEnvToken ? 'BB_INTEGRATE_TOKEN (stored credentials ignored)' : plural(deps.credentials.length, 'credential')
    if (deps.credentials.length === 0) {
      return [row('config', this.title, 'fail', `Connection "${connectionName}" has no credential.`, 'Run `bb-integrate connect` to add one.')]
    }
    return [
      row('config', this.title, 'pass',
        `Connection "${connectionName}": ${connection.provider === 'cloud' ? 'Bitbucket Cloud' : 'Bitbucket Data Center'} at ${connection.url}, ${creds}, ${plural(connection.selection.length, 'repository', 'repositories')} selected.`),
    ]
  },
}

export const reachabilityCheck: Check = {
  id: 'reachability',
  title: 'API host reachable (DNS, TCP, TLS)',
  async run({deps, probes}) {
    if (!deps.connection) return [row(this.id, this.title, 'skip', 'No connection configured.')]
    const r = await probes.reach()
    if (!r) return [row(this.id, this.title, 'skip', 'No connection configured.')]
    if (r.ok && plainHttpToRemote(deps.connection.url)) {
      // Reachable, but every request (and its credential) crosses the network unencrypted.
      return [row(this.id, this.title, 'warn', `${r.detail}; plain HTTP to a host that is not this machine: credentials and data travel unencrypted.`,
        'Use the https:// URL of the server (`bb-integrate connect --url https://…`).')]
    }
    if (r.ok) return [row(this.id, this.title, r.proxy ? 'skip' : 'pass', r.detail)]
    const stage = {dns: 'DNS lookup', tcp: 'TCP connect', tls: 'TLS handshake', ok: ''}[r.stage]
    return [row(this.id, this.title, 'fail', `${stage} failed: ${r.detail}`, r.remedy)]
  },
}

/** http:// to anything but loopback (localhost, 127.0.0.0/8, ::1). */
export function plainHttpToRemote(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'http:') return false
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return !(host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1')
}
