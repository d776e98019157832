import {Command, Errors, Flags} from '@oclif/core'
import {format, inspect} from 'node:util'

import {injectedContext, type CommandContext} from './context.js'
import {BbError, ExitCode, UsageError} from './core/errors.js'
import {processContext} from './process-context.js'
import {hasNoColorFlag} from './ui/color.js'

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
    'no-color': Flags.boolean({
      description: 'No colours or text styles (also NO_COLOR, TERM=dumb, CI).',
      helpGroup: 'GLOBAL',
    }),
    jq: Flags.string({
      description: 'Filter the --json output with a jq expression (implies --json; strings print raw).',
      helpGroup: 'GLOBAL',
    }),
  }

  /** `--jq EXPR` once parsed; the JSON the command returns goes through it. */
  protected jqExpression: string | undefined
  private jqInput: {value: unknown} | null = null
  private successJson = false

  /** --jq implies --json (gh needs both; here --json has no field list, so one flag says it all). */
  public override jsonEnabled(): boolean {
    return super.jsonEnabled() || (Boolean(this.ctor?.enableJsonFlag) && hasJqFlag(this.argv))
  }

  /** Reads --no-color and --jq before run() (the expression is checked first: a typo costs no request). */
  public override async init(): Promise<void> {
    await super.init()
    // --no-color means what NO_COLOR means, for the libraries that read only the environment too (prompts).
    if (hasNoColorFlag(this.argv)) process.env.NO_COLOR = '1'
    const expression = jqFlagValue(this.argv)
    if (expression !== undefined && this.ctor?.enableJsonFlag) {
      const {checkJqExpression} = await import('./ui/jq.js')
      await checkJqExpression(expression)
      this.jqExpression = expression
    }
  }

  protected override toSuccessJson(result: unknown): unknown {
    this.successJson = true
    return super.toSuccessJson(result)
  }

  /** With --jq, the success value is kept for the filter; errors keep their JSON envelope. */
  protected override logJson(json: unknown): void {
    if (this.successJson && this.jqExpression !== undefined) {
      this.successJson = false
      this.jqInput = {value: json}
      return
    }
    this.ctx.io.stdout.write(JSON.stringify(json, null, 2) + '\n')
  }

  public override async _run<T>(): Promise<T> {
    try {
      const result = await super._run<T>()
      if (this.jqInput && this.jqExpression !== undefined) {
        const {applyJq} = await import('./ui/jq.js')
        try {
          this.ctx.io.stdout.write(await applyJq(this.jqInput.value, this.jqExpression))
        } catch (error) {
          await this.catch(error as Error)
        }
      }
      return result
    } finally {
      // What the context's factories built (the shared HTTP dispatchers) goes with the command.
      await this.context?.close()
    }
  }

  /** Colour for human output on stderr (the dashboard, the picker): one rule everywhere, src/ui/color.ts. */
  protected get color(): boolean {
    return this.ctx.io.color
  }

  private context?: CommandContext

  /** The world as this command sees it: env, terminal, clock, signals, and the factories of stores and connections (see src/context.ts). */
  protected get ctx(): CommandContext {
    this.context ??= injectedContext() ?? processContext({noColor: hasNoColorFlag(this.argv)})
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

/** `--jq` among the arguments before `--` (jsonEnabled() is asked before the flags are parsed). */
function hasJqFlag(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--jq' || a.startsWith('--jq='))
}

/** The value of `--jq EXPR` / `--jq=EXPR` (oclif validates the flag itself when the command parses). */
function jqFlagValue(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--')
  const args = end < 0 ? argv : argv.slice(0, end)
  let value: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--jq' && i + 1 < args.length) value = args[++i]
    else if (a.startsWith('--jq=')) value = a.slice('--jq='.length)
  }
  return value
}
