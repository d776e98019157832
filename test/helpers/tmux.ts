/**
 * A small driver for a real terminal: a detached tmux session of fixed size on its own socket (so tests
 * never touch a user's tmux), keys in, screen text out.
 *
 *   const t = await Tmux.start('node bin/run.js connect', {env, width: 100, height: 30})
 *   await t.waitForText('Which Bitbucket?')
 *   await t.sendKeys('Down', 'Enter'); await t.type('jane@example.com'); await t.sendKeys('Enter')
 *   const code = await t.waitForExit(); await t.kill()
 */
import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

const run = promisify(execFile)

export interface TmuxOptions {
  width?: number
  height?: number
  /** The whole environment of the command (tmux's server starts with it). */
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export class Tmux {
  private constructor(
    private readonly socket: string,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private get exitFile(): string {
    return path.join(this.dir, 'exit-status')
  }

  /** Starts `command` (a shell command line) in a new detached session. */
  static async start(command: string, options: TmuxOptions = {}): Promise<Tmux> {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbi-tmux-'))
    const conf = path.join(dir, 'tmux.conf')
    // Keep the pane after the command exits so its exit status and last screen can be read.
    writeFileSync(conf, 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n')
    const socket = path.join(dir, `sock-${randomBytes(4).toString('hex')}`)
    const env: NodeJS.ProcessEnv = {...(options.env ?? process.env), TERM: 'xterm-256color'}
    delete env.TMUX
    const t = new Tmux(socket, dir, env)
    // The shell records the command's exit status itself: tmux reports a dead pane's status only once
    // it has reaped the process, which under load it sometimes never does. `trap : INT` keeps the shell
    // alive through a Ctrl-C meant for the command (a handler, unlike an ignored signal, is reset for it).
    const wrapped = `trap : INT; ${command}\necho $? > '${t.exitFile}'`
    await t.tmux('-f', conf, 'new-session', '-d', '-s', 'main', '-x', String(options.width ?? 100), '-y', String(options.height ?? 30),
      '-c', options.cwd ?? process.cwd(), wrapped)
    return t
  }

  /** tmux key names ('Enter', 'Down', 'C-c', 'Space') or literal strings, each as one key. */
  async sendKeys(...keys: string[]): Promise<void> {
    for (const key of keys) await this.tmux('send-keys', '-t', 'main', key)
  }

  /** Literal text, no key-name interpretation. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text)
  }

  /** The visible screen (plus scrollback with `history`; with `escapes`, colours and text attributes as escape sequences). */
  async capture(options: {history?: boolean; escapes?: boolean} = {}): Promise<string> {
    const args = ['capture-pane', '-p', '-t', 'main']
    if (options.history) args.push('-S', '-')
    if (options.escapes) args.push('-e')
    return (await this.tmux(...args)).stdout
  }

  async waitForText(text: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    let screen = ''
    while (Date.now() < deadline) {
      screen = await this.capture({history: true})
      if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${String(text)}; screen:\n${screen}`)
  }

  /** Resolves with the command's exit status once it has ended. */
  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (existsSync(this.exitFile)) {
        const text = readFileSync(this.exitFile, 'utf8').trim()
        if (text !== '') return Number(text)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for the command to exit; screen:\n${await this.capture()}`)
  }

  /** Resizes the terminal, as a person dragging the window does (the program gets SIGWINCH). */
  async resize(width: number, height: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'main', '-x', String(width), '-y', String(height))
  }

  /** Ends the session and its server, and removes the socket directory. Safe to call twice. */
  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined)
    rmSync(this.dir, {recursive: true, force: true})
  }

  private tmux(...args: string[]): Promise<{stdout: string; stderr: string}> {
    return run('tmux', ['-S', this.socket, ...args], {env: this.env, encoding: 'utf8'})
  }
}
