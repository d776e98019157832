import {render} from 'ink'

import type {Repository} from '../../core/model.js'
import {ColorProvider} from '../styled.js'
import {RepoPicker, type PickerResult} from './RepoPicker.js'

export type {PickerResult} from './RepoPicker.js'

export interface RenderRepoPickerOptions {
  title: string
  load: (onPage: (repos: Repository[]) => void, signal: AbortSignal) => Promise<void>
  initial: readonly string[]
  /** Default stderr: stdout stays clean for --json and data. */
  /** The terminal the picker draws on (the command's stderr) and reads its keys from. */
  stdout: NodeJS.WriteStream
  stdin: NodeJS.ReadStream
  /** Colour and text styles (default on): off for `--no-color`, `NO_COLOR`, CI (src/ui/color.ts). */
  color?: boolean
  /** Ink's per-frame metrics (how long a frame took to render), for diagnostics and tests. */
  onRender?: (metrics: {renderTime: number}) => void
}

/** Commands call this, never Ink directly. Resolves on confirm/cancel; rejects when the listing fails. */
export async function renderRepoPicker(options: RenderRepoPickerOptions): Promise<PickerResult> {
  let settle!: {resolve: (r: PickerResult) => void; reject: (e: unknown) => void}
  const done = new Promise<PickerResult>((resolve, reject) => (settle = {resolve, reject}))
  const instance = render(
    <ColorProvider color={options.color ?? true}>
      <RepoPicker
        title={options.title}
        load={options.load}
        initial={options.initial}
        onDone={(r) => settle.resolve(r)}
        onError={(e) => settle.reject(e)}
      />
    </ColorProvider>,
    {
      stdout: options.stdout,
      stdin: options.stdin,
      // Ctrl-C is a cancel like esc (exit 4), handled by the picker.
      exitOnCtrlC: false,
      patchConsole: false,
      onRender: options.onRender,
    },
  )
  try {
    return await done
  } finally {
    instance.unmount()
    await instance.waitUntilExit().catch(() => undefined)
  }
}
