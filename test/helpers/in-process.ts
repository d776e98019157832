/**
 * Runs a command in this process through the command context, with a test IO: the same code path as
 * the built CLI minus the child process. Output is captured; the exit code is recorded, not set on the
 * test runner's process.
 */
import {Readable, Writable} from 'node:stream'

import {Errors} from '@oclif/core'

import {withFactories, type FactoryOverrides} from '../../src/context-factories.js'
import {withCommandContext, type CommandContext} from '../../src/context.js'
import {systemClock} from '../../src/core/clock.js'
import {readEnv} from '../../src/core/env.js'
import {COMMANDS} from '../../src/index.js'
import {colorEnabled} from '../../src/ui/color.js'
import {ROOT} from './cli.js'

export interface InProcessResult {
  code: number
  stdout: string
  stderr: string
}

export interface InProcessOptions {
  /** The whole environment the command sees (nothing from the test runner's). */
  env?: Record<string, string>
  stdin?: string
  /** Pretend stdout/stderr are terminals this wide. */
  columns?: number
  /** Test versions of the context's factories: a secret store, a dispatcher, the default store URL. */
  factories?: FactoryOverrides
}

class Capture extends Writable {
  text = ''
  isTTY: boolean
  columns?: number
  constructor(columns?: number) {
    super()
    this.isTTY = columns !== undefined
    this.columns = columns
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

export async function runInProcess(argv: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const [id = '', ...rest] = resolveId(argv)
  const command = (COMMANDS as Record<string, {run(argv: string[], opts: string): Promise<unknown>}>)[id]
  if (!command) throw new Error(`no command ${id}`)
  const stdout = new Capture(options.columns)
  const stderr = new Capture(options.columns)
  let code = 0
  const processEnv = {NO_COLOR: '1', ...options.env}
  const env = readEnv(processEnv)
  const context: CommandContext = withFactories({
    env,
    processEnv,
    cwd: ROOT,
    clock: systemClock,
    io: {
      stdout,
      stderr,
      stdin: Object.assign(Readable.from([options.stdin ?? '']), {isTTY: false}),
      color: colorEnabled({isTTY: stdout.isTTY, env: processEnv}),
      interactive: false,
      setExitCode: (c) => {
        code = c
      },
    },
    signals: {
      onInterrupt: () => () => undefined,
      exitNow: (c) => {
        throw new Errors.ExitError(c)
      },
    },
  }, options.factories)
  try {
    await withCommandContext(context, () => command.run(rest, ROOT))
  } catch (error) {
    const exit = (error as {oclif?: {exit?: number}}).oclif?.exit
    if (typeof exit !== 'number') throw error
    code = exit
  } finally {
    await context.close()
  }
  return {code, stdout: stdout.text, stderr: stderr.text}
}

/** `['repos', 'list', '--json']` → `['repos:list', '--json']`: the longest known command id wins. */
function resolveId(argv: string[]): string[] {
  for (let n = Math.min(argv.length, 3); n > 0; n--) {
    const id = argv.slice(0, n).join(':')
    if (id in COMMANDS) return [id, ...argv.slice(n)]
  }
  return argv
}
