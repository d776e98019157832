import type {WorkerEvent} from '../core/workers/worker.js'
import {renderLiveView} from './live-view.js'
import type {LiveViewHandle, LiveViewOptions} from './live-view.js'
import {WorkerDashboardView} from './worker-dashboard-view.js'
import {applyWorkerEvent, initialWorkerState} from './worker-state.js'

export type WorkerDashboardOptions = LiveViewOptions
export type WorkerDashboardHandle = LiveViewHandle<WorkerEvent>

/** The worker's live view on a terminal. Renders on stderr so stdout stays clean. */
export function renderWorkerDashboard(options: WorkerDashboardOptions): WorkerDashboardHandle {
  return renderLiveView({initial: initialWorkerState, apply: applyWorkerEvent, View: WorkerDashboardView}, options)
}
