/**
 * The explicit command map (oclif "explicit" strategy): no filesystem globbing at start-up.
 * Command modules must stay light at import time — heavy libraries (undici, Ink, React, SQLite)
 * are imported inside run() so `--help` and `--version` start fast.
 */
import AuthLogin from './commands/auth/login.js'
import AuthLogout from './commands/auth/logout.js'
import AuthStatus from './commands/auth/status.js'
import AuthSwitch from './commands/auth/switch.js'
import AuthToken from './commands/auth/token.js'
import Cache from './commands/cache.js'
import Connect from './commands/connect.js'
import Demo from './commands/demo.js'
import Disconnect from './commands/disconnect.js'
import Export from './commands/export.js'
import ReposList from './commands/repos/list.js'
import ReposSelect from './commands/repos/select.js'
import ReposSelected from './commands/repos/selected.js'
import Sync from './commands/sync.js'
import Validate from './commands/validate.js'
import WebhooksDelete from './commands/webhooks/delete.js'
import WebhooksEnsure from './commands/webhooks/ensure.js'
import WebhooksList from './commands/webhooks/list.js'
import WebhooksListen from './commands/webhooks/listen.js'
import WebhooksTest from './commands/webhooks/test.js'
import Worker from './commands/worker.js'
import WorkersRetry from './commands/workers/retry.js'
import WorkersStatus from './commands/workers/status.js'

export const COMMANDS = {
  'auth:login': AuthLogin,
  'auth:logout': AuthLogout,
  'auth:status': AuthStatus,
  'auth:switch': AuthSwitch,
  'auth:token': AuthToken,
  cache: Cache,
  connect: Connect,
  demo: Demo,
  disconnect: Disconnect,
  export: Export,
  'repos:list': ReposList,
  'repos:select': ReposSelect,
  'repos:selected': ReposSelected,
  sync: Sync,
  validate: Validate,
  'webhooks:delete': WebhooksDelete,
  'webhooks:ensure': WebhooksEnsure,
  'webhooks:list': WebhooksList,
  'webhooks:listen': WebhooksListen,
  'webhooks:test': WebhooksTest,
  'workers:retry': WorkersRetry,
  'workers:status': WorkersStatus,
  worker: Worker,
}
