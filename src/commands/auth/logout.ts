import Disconnect from '../disconnect.js'

/** `gh auth logout`: the same as `disconnect` (its secrets and its config go). */
export default class AuthLogout extends Disconnect {
  static override summary = 'Log out of a connection: remove its secrets (keychain or file) and its config (same as `disconnect`).'
  static override examples = ['<%= config.bin %> auth logout', '<%= config.bin %> auth logout --name work --json']
}
