/**
 * The explicit command map (oclif "explicit" strategy): no filesystem globbing at start-up.
 * Command modules must stay light at import time — heavy libraries (undici, Ink, React, SQLite)
 * are imported inside run() so `--help` and `--version` start fast.
 */
import AuthStatus from './commands/auth/status.js'
import Cache from './commands/cache.js'
import Connect from './commands/connect.js'
import Demo from './commands/demo.js'
import Disconnect from './commands/disconnect.js'
import Export from './commands/export.js'
import ReposList from './commands/repos/list.js'
import ReposSelect from './commands/repos/select.js'
import Sync from './commands/sync.js'
import Validate from './commands/validate.js'

export const COMMANDS = {
  'auth:status': AuthStatus,
  cache: Cache,
  connect: Connect,
  demo: Demo,
  disconnect: Disconnect,
  export: Export,
  'repos:list': ReposList,
  'repos:select': ReposSelect,
  sync: Sync,
  validate: Validate,
}
