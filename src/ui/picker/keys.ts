import type {PickerView} from './model.js'

/**
 * Key handling as a pure function of (state, key, view), so the Ink component stays thin.
 * Two modes keep letters unambiguous: in "browse" letters are commands (a = all, n = none);
 * `/` enters "filter", where letters type into the filter box.
 */
export interface PickerState {
  mode: 'browse' | 'filter'
  query: string
  /** Index into view.items. */
  cursor: number
  selected: ReadonlySet<string>
}

/** The subset of Ink's Key we read (so tests can build it). */
export interface KeyInfo {
  upArrow?: boolean
  downArrow?: boolean
  pageUp?: boolean
  pageDown?: boolean
  home?: boolean
  end?: boolean
  return?: boolean
  escape?: boolean
  backspace?: boolean
  delete?: boolean
  ctrl?: boolean
  meta?: boolean
  tab?: boolean
}

export type KeyResult = {state: PickerState; done?: 'confirm' | 'cancel'}

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n))

function move(state: PickerState, delta: number, view: PickerView): PickerState {
  const last = Math.max(0, view.items.length - 1)
  return {...state, cursor: clamp(state.cursor + delta, 0, last)}
}

function toggle(state: PickerState, view: PickerView): PickerState {
  const item = view.items[state.cursor]
  if (!item) return state
  const selected = new Set(state.selected)
  if (selected.has(item.key)) selected.delete(item.key)
  else selected.add(item.key)
  return {...state, selected}
}

export function handleKey(state: PickerState, input: string, key: KeyInfo, view: PickerView, pageSize: number): KeyResult {
  if (key.ctrl && input === 'c') return {state, done: 'cancel'}
  if (key.upArrow) return {state: move(state, -1, view)}
  if (key.downArrow) return {state: move(state, 1, view)}
  if (key.pageUp) return {state: move(state, -Math.max(1, pageSize), view)}
  if (key.pageDown) return {state: move(state, Math.max(1, pageSize), view)}
  if (key.home) return {state: {...state, cursor: 0}}
  if (key.end) return {state: move(state, view.items.length, view)}

  if (state.mode === 'filter') {
    // Enter keeps the filter and goes back to the list; esc drops it.
    if (key.return || key.tab) return {state: {...state, mode: 'browse'}}
    if (key.escape) return {state: {...state, mode: 'browse', query: '', cursor: 0}}
    if (key.backspace || key.delete) return {state: {...state, query: state.query.slice(0, -1), cursor: 0}}
    if (key.ctrl && input === 'u') return {state: {...state, query: '', cursor: 0}}
    // Keys contain no spaces, so space can toggle even while filtering.
    if (input === ' ') return {state: toggle(state, view)}
    if (input && !key.ctrl && !key.meta && input >= ' ') return {state: {...state, query: state.query + input, cursor: 0}}
    return {state}
  }

  if (key.return) return {state, done: 'confirm'}
  if (key.escape || input === 'q') return {state, done: 'cancel'}
  switch (input) {
    case ' ':
      return {state: toggle(state, view)}
    case 'k':
      return {state: move(state, -1, view)}
    case 'j':
      return {state: move(state, 1, view)}
    case '/':
      return {state: {...state, mode: 'filter'}}
    case 'a': {
      const selected = new Set(state.selected)
      for (const item of view.items) selected.add(item.key)
      return {state: {...state, selected}}
    }
    case 'n': {
      // With a filter only the visible ones are dropped; without one, everything (also keys
      // selected earlier that are not in the list any more).
      if (state.query.trim() === '') return {state: {...state, selected: new Set()}}
      const selected = new Set(state.selected)
      for (const item of view.items) selected.delete(item.key)
      return {state: {...state, selected}}
    }
    case 'x':
      // Clear the filter without entering filter mode.
      return {state: {...state, query: '', cursor: 0}}
    default:
      return {state}
  }
}
