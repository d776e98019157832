import {Command, Errors, Flags} from '@oclif/core'
import {format, inspect} from 'node:util'

import {injectedContext, type CommandContext} from './context.js'
import {BbError, ExitCode, UsageError} from './core/errors.js'
import {processContext} from './process-context.js'

/**
 * Every command: `--json` prints the value `run()` returns (the JSON contract) on stdout, human
 * output and progress go to stderr, and one `catch()` maps the error hierarchy to exit codes.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    connection: Flags.string({
      description: 'Connection name to use.',
      env: 'BB_INTEGRATE_CONNECTION',
      helpGroup: 'GLOBAL',
    }),
  }

  private context?: CommandContext

  /** The world as this command sees it: env, terminal, clock, signals (see src/context.ts). */
  protected get ctx(): CommandContext {
    this.context ??= injectedContext() ?? processContext({noColor: this.argv.includes('--no-color')})
    return this.context
  }

  /** True when a human is at the keyboard (stdin and stderr are TTYs) and not in CI. */
  protected get interactive(): boolean {
    return this.ctx.io.interactive
  }

  /** Human-facing text: stderr, so stdout stays clean for data. Silent under --json. */
  protected info(message: string): void {
    if (!this.jsonEnabled()) this.ctx.io.stderr.write(message + '\n')
  }

  /** Data on stdout. */
  override log(message: unknown = '', ...args: unknown[]): void {
    if (this.jsonEnabled()) return
    this.ctx.io.stdout.write(format(typeof message === 'string' ? message : inspect(message), ...args) + '\n')
  }

  override logJson(json: unknown): void {
    this.ctx.io.stdout.write(JSON.stringify(json, null, 2) + '\n')
  }

  protected setExitCode(code: number): void {
    this.ctx.io.setExitCode(code)
  }

  /** The --json error envelope on stdout. Streaming commands override it to keep their stream's format. */
  protected printJsonError(err: BbError, exitCode: number): void {
    this.logJson({
      error: {
        name: err.name,
        code: err.code,
        message: err.message,
        remedy: err.remedy ?? null,
        details: err.details ?? null,
        exitCode,
      },
    })
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // oclif's flag/argument parse errors (a value not among the options, an unknown flag, …) are bad
    // usage: exit 2 and, under --json, the same error envelope as every other error.
    if (!(err instanceof BbError) && isParseError(err)) {
      const message = err.message.replace(/\nSee more help with --help$/, '').replace(/^Parsing (--\S+)\s*\n\t/, 'Invalid $1: ')
      err = new UsageError(message, {
        code: 'bad_usage',
        remedy: `See \`${[this.config.bin, ...(this.id ?? '').split(':').filter(Boolean), '--help'].join(' ')}\`.`,
      })
    }
    const code = err instanceof BbError ? err.exitCode : (err.oclif?.exit ?? err.exitCode ?? ExitCode.Failure)
    this.setExitCode(code)
    if (err instanceof BbError) {
      if (this.jsonEnabled()) {
        this.printJsonError(err, code)
      } else {
        this.ctx.io.stderr.write(`Error: ${err.message}\n`)
        if (err.remedy) this.ctx.io.stderr.write(`  → ${err.remedy}\n`)
      }
      // oclif would print it again; we have already reported it.
      this.exit(code)
    }
    return super.catch(err)
  }
}

/**
 * oclif's CLIParseError family (they carry the parser's state in `parse`), and a flag's own parse
 * failure, which oclif rethrows as a plain Error tagged with package.json's `failedFlagParsing` code.
 */
function isParseError(err: Error & {oclif?: {exit?: number}}): boolean {
  return (err instanceof Errors.CLIError && 'parse' in err) || (err.oclif?.exit === ExitCode.Usage && err.message.startsWith('Parsing --'))
}
