import type {SyncEvent, SyncEventSink} from '../core/sync/events.js'
import {renderLiveView} from './live-view.js'
import type {LiveViewOptions} from './live-view.js'
import {DashboardView} from './sync-dashboard-view.js'
import {applyEvent, initialState} from './sync-state.js'

export type DashboardOptions = LiveViewOptions

export interface DashboardHandle {
  sink: SyncEventSink
  /** Draw the final frame and release the terminal. */
  finish(): Promise<void>
}

/** The live sync dashboard. Renders on stderr so stdout stays clean. */
export function renderSyncDashboard(options: DashboardOptions): DashboardHandle {
  return renderLiveView<ReturnType<typeof initialState>, SyncEvent>({initial: initialState, apply: applyEvent, View: DashboardView}, options)
}
