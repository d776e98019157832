/**
 * The CLI as a user runs it (the built binary, a fresh config directory, credentials from the
 * environment) against the project's emulator on 127.0.0.1.
 */
import {ensureBuilt, runCli, type CliResult} from '../../helpers/cli.js'
import {startSyncRig, type SyncRig} from '../../core/sync/emulator-rig.js'

export interface CliRig extends SyncRig {
  env: Record<string, string | undefined>
  cli(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>
}

export async function startCliRig(flavor: 'cloud' | 'datacenter' = 'cloud', dataset = 'tiny'): Promise<CliRig> {
  ensureBuilt()
  const rig = await startSyncRig(flavor, dataset)
  const env = {
    BB_INTEGRATE_CONFIG_DIR: rig.dir,
    BB_INTEGRATE_TOKEN: rig.credential.token,
    BB_INTEGRATE_EMAIL: flavor === 'cloud' ? rig.credential.email : undefined,
    BB_INTEGRATE_PROVIDER: flavor,
    BB_INTEGRATE_URL: rig.emu.apiBase,
    BB_INTEGRATE_CONNECTION: undefined,
    BB_INTEGRATE_STORE: rig.storePath,
  }
  return Object.assign(rig, {
    env,
    cli: (args: string[], extra: Record<string, string | undefined> = {}) => runCli(args, {timeoutMs: 60_000, env: {...env, ...extra}}),
  })
}

/** The NDJSON events of `sync --json`. */
export function events(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
}
