import {homedir, platform as osPlatform} from 'node:os'
import {join} from 'node:path'

/**
 * Where bb-integrate keeps its data (the default SQLite file): BB_INTEGRATE_CONFIG_DIR when set,
 * else the platform's per-user data directory (XDG on Linux, Application Support on macOS,
 * LOCALAPPDATA on Windows) — the same places env-paths would pick, without the dependency.
 */
export function dataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = osPlatform(), home = homedir()): string {
  if (env.BB_INTEGRATE_CONFIG_DIR) return env.BB_INTEGRATE_CONFIG_DIR
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'bb-integrate')
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'bb-integrate', 'Data')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'bb-integrate')
}

export const DEFAULT_DB_FILE = 'bb-integrate.db'
