import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {UsageError} from '../core/errors.js'
import {ENTITY_NAMES} from '../core/model.js'
import type {EntityName} from '../core/model.js'

export default class Export extends BaseCommand {
  static override summary = 'Print the store\'s content as canonical entities (NDJSON or CSV) on stdout.'
  static override description = `NDJSON (default, also --json): one object per line with an "entity" field naming its kind
({"entity":"commit","repo":…,"hash":…}); every entity kind in turn unless --entity narrows it.
CSV: exactly one --entity; a header row, RFC 4180 quoting, CRLF line ends, empty field for null,
commit parents joined with spaces. Streams: memory use does not grow with the store.

--connection (or BB_INTEGRATE_CONNECTION) exports only that connection's rows.

A repository deleted on the server (sync marks it) is left out with everything in it; --include-deleted
exports those too, each repository with a "deletedAt" time (null for live ones).`

  static override examples = [
    '<%= config.bin %> export > everything.ndjson',
    '<%= config.bin %> export --entity pullRequest --entity review | jq -c \'select(.state=="MERGED")\'',
    '<%= config.bin %> export --entity commit --format csv > commits.csv',
  ]

  static override flags = {
    entity: Flags.string({description: 'Entity kind to export; repeatable (default: all).', multiple: true, options: [...ENTITY_NAMES]}),
    format: Flags.string({description: 'Output format.', options: ['ndjson', 'csv'], default: 'ndjson'}),
    'include-deleted': Flags.boolean({description: 'Also export repositories deleted on the server (and their rows), flagged by deletedAt.', default: false}),
    store: Flags.string({description: 'Store: a SQLite path, sqlite:///path or postgres://… (default: <data dir>/bb-integrate.db).', env: 'BB_INTEGRATE_STORE'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Export)
    const format = this.jsonEnabled() ? 'ndjson' : (flags.format as 'ndjson' | 'csv')
    const entities = (flags.entity?.length ? [...new Set(flags.entity)] : [...ENTITY_NAMES]) as EntityName[]
    if (format === 'csv' && entities.length !== 1) {
      throw new UsageError('CSV holds one kind of row: pass exactly one --entity with --format csv.', {code: 'csv_entity', remedy: 'e.g. --entity commit --format csv, or use --format ndjson for several kinds.'})
    }
    const {exportChunks} = await import('../core/store/export.js')
    const store = await this.ctx.openStore(flags.store, {readOnly: true})
    const out = this.ctx.io.stdout as NodeJS.WriteStream
    let closed = false
    // `export | head` closes the pipe early: that is the reader's choice, not an error.
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') closed = true
    })
    const jq = this.jqExpression === undefined ? null : {expression: this.jqExpression, ...(await import('../ui/jq.js'))}
    try {
      for await (const chunk of exportChunks(store, entities, format, flags.connection, flags['include-deleted'])) {
        if (closed) break
        // --jq: each line through the filter (chunks hold whole lines).
        const text = jq ? await jq.applyJqToText(chunk, jq.expression) : chunk
        if (!out.write(text)) closed = !(await drained(out))
      }
    } finally {
      await store.close()
    }
  }
}

/**
 * Waits for the stream to take more: true on 'drain', false when it closed or the reader went away
 * (EPIPE). Removes its listeners every time — a slow reader makes this run thousands of times.
 */
function drained(out: NodeJS.WriteStream): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      out.off('drain', onDrain)
      out.off('close', onClose)
      out.off('error', onError)
    }
    const onDrain = (): void => {
      settle()
      resolve(true)
    }
    const onClose = (): void => {
      settle()
      resolve(false)
    }
    const onError = (error: NodeJS.ErrnoException): void => {
      settle()
      if (error.code === 'EPIPE') resolve(false)
      else reject(error)
    }
    out.on('drain', onDrain)
    out.on('close', onClose)
    out.on('error', onError)
  })
}
