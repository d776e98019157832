import {spawn} from 'node:child_process'

/** Opens a URL for the user. Injectable: tests point BROWSER at headless Chromium. */
export type BrowserOpener = (url: string) => Promise<void>

/**
 * Honours BROWSER like git and Python's webbrowser: a command (split on spaces, no shell), with `%s`
 * replaced by the URL or the URL appended. Without BROWSER, the `open` package picks the OS default.
 * Failures are not fatal: the URL is always printed too.
 */
export function browserOpener(env: NodeJS.ProcessEnv): BrowserOpener {
  const command = env.BROWSER?.trim()
  if (command) {
    return async (url) => {
      const parts = command.split(/\s+/)
      const args = parts.slice(1)
      const withUrl = args.some((a) => a.includes('%s')) ? args.map((a) => a.replaceAll('%s', url)) : [...args, url]
      await new Promise<void>((resolve) => {
        const child = spawn(parts[0] as string, withUrl, {stdio: 'ignore', detached: true})
        child.once('error', () => resolve())
        child.once('spawn', () => resolve())
        child.unref()
      })
    }
  }
  return async (url) => {
    try {
      const {default: open} = await import('open')
      const child = await open(url)
      child.once('error', () => undefined)
    } catch {
      // The URL is on stderr; the user can open it by hand.
    }
  }
}
