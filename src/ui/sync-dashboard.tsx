import {render} from 'ink'
import React from 'react'

import type {SyncEvent, SyncEventSink} from '../core/sync/events.js'
import {DashboardView} from './sync-dashboard-view.js'
import {applyEvent, initialState} from './sync-state.js'

export interface DashboardOptions {
  onQuit: () => void
  stdout?: NodeJS.WriteStream
  stdin?: NodeJS.ReadStream
  now?: () => number
}

export interface DashboardHandle {
  sink: SyncEventSink
  /** Draw the final frame and release the terminal. */
  finish(): Promise<void>
}

/** The live sync dashboard. Renders on stderr so stdout stays clean. */
export function renderSyncDashboard(options: DashboardOptions): DashboardHandle {
  const now = options.now ?? Date.now
  const stdout = options.stdout ?? process.stderr
  const state = initialState(now())
  const rows = (stdout.rows ?? 30) - 1
  const instance = render(<DashboardView state={state} rows={rows} columns={stdout.columns} onQuit={options.onQuit} now={now} />, {
    stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  })
  return {
    sink: (event: SyncEvent) => {
      applyEvent(state, event, now())
    },
    async finish() {
      state.now = now()
      instance.rerender(<DashboardView state={state} rows={rows} columns={stdout.columns} onQuit={options.onQuit} now={now} />)
      instance.unmount()
      await instance.waitUntilExit().catch(() => undefined)
    },
  }
}
