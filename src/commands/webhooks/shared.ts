/** Flags and row rendering the webhooks commands share (kept light: no heavy import at load time). */
import {Flags} from '@oclif/core'

import type {WebhookRow} from '../../core/webhooks/context.js'

export const repoFlag = Flags.string({
  description: 'Only this repository (WORKSPACE/slug or PROJECT/slug); repeat or comma-separate. Default: the selection, else every accessible one.',
  multiple: true,
})

export const dryRunFlag = Flags.boolean({description: 'Show what would change; send no write request.'})

export async function rowsTable(rows: readonly WebhookRow[], maxWidth?: number): Promise<string> {
  const {renderTable} = await import('../../ui/table.js')
  return renderTable(rows, [
    {header: 'TARGET', value: (r) => r.target, flex: true},
    {header: 'SCOPE', value: (r) => r.scope},
    {header: 'ACTION', value: (r) => r.action},
    {header: 'ID', value: (r) => r.id ?? '-'},
    {header: 'URL', value: (r) => r.url ?? '-', flex: true},
    {header: 'REASON', value: (r) => r.reason ?? '', flex: true},
  ], {maxWidth})
}
