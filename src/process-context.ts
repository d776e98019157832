/**
 * The command context of a real run: the process's streams, environment, signals and clock. The one
 * module (with bin/) that touches `process` for commands; everything else goes through the context.
 */
import type {CommandContext} from './context.js'
import {withFactories} from './context-factories.js'
import {systemClock} from './core/clock.js'
import {readEnv} from './core/env.js'
import {colorEnabled} from './ui/color.js'

export interface ProcessContextOptions {
  /** `--no-color` was given. */
  noColor?: boolean
}

export function processContext(options: ProcessContextOptions = {}): CommandContext {
  const env = readEnv(process.env)
  return withFactories({
    env,
    processEnv: process.env,
    cwd: process.cwd(),
    clock: systemClock,
    io: {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      color: colorEnabled({isTTY: Boolean(process.stderr.isTTY), noColorFlag: options.noColor, env: process.env}),
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !env.ci,
      setExitCode(code) {
        process.exitCode = code
      },
    },
    signals: {
      onInterrupt(handler) {
        const onSigint = () => handler('SIGINT')
        const onSigterm = () => handler('SIGTERM')
        process.on('SIGINT', onSigint)
        process.on('SIGTERM', onSigterm)
        return () => {
          process.off('SIGINT', onSigint)
          process.off('SIGTERM', onSigterm)
        }
      },
      exitNow(code) {
        process.exit(code)
      },
    },
  })
}
