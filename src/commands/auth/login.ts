import Connect from '../connect.js'

/** `gh auth login`: the same as `connect` (wizard on a terminal, flags in scripts). */
export default class AuthLogin extends Connect {
  static override summary = 'Log in to Bitbucket Cloud or Data Center and store the credential (same as `connect`).'
  static override examples = ['<%= config.bin %> auth login', '<%= config.bin %> auth login --provider datacenter --url https://bb.corp --auth pat --token-stdin < token.txt']
}
