import {Box, useInput, useStdout} from 'ink'
import {useEffect, useMemo, useRef, useState} from 'react'

import type {Repository} from '../../core/model.js'
import {Styled as Text} from '../styled.js'
import {handleKey, type PickerState} from './keys.js'
import {scrollOffset, toItem, ViewCache, type PickerItem} from './model.js'

export type PickerResult = {confirmed: true; selection: string[]} | {confirmed: false}

export interface RepoPickerProps {
  title: string
  /** Streams the listing page by page; the picker is usable while it runs. */
  load: (onPage: (repos: Repository[]) => void, signal: AbortSignal) => Promise<void>
  /** Keys already selected: shown checked, and kept when not in the list. */
  initial: readonly string[]
  /** Rows for the list; default: the terminal height minus the chrome. */
  height?: number
  onDone: (result: PickerResult) => void
  onError: (error: unknown) => void
}

const fmt = (n: number): string => n.toLocaleString('en-US')

const BROWSE_HELP = '↑↓ move · PgUp/PgDn page · space toggle · a all · n none · / filter · enter confirm · esc cancel'
// 79 columns: on an 80-column terminal "enter confirm · esc cancel" must not be truncated away.
const BROWSE_HELP_NARROW = '↑↓ move · space toggle · a all · n none · / filter · enter confirm · esc cancel'

/** The key help for the list: the keys to leave the picker come last, so a narrow terminal gets the short form. */
export function browseHelp(columns: number | undefined): string {
  return (columns ?? 80) >= BROWSE_HELP.length ? BROWSE_HELP : BROWSE_HELP_NARROW
}
const CHROME_ROWS = 6
const FLUSH_MS = 100

export function RepoPicker(props: RepoPickerProps) {
  const {stdout} = useStdout()
  const [items, setItems] = useState<PickerItem[]>([])
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [state, setState] = useState<PickerState>(() => ({mode: 'browse', query: '', cursor: 0, selected: new Set(props.initial)}))
  // Several keys can arrive in one tick (paste, tmux send-keys): handle each against the latest state.
  const stateRef = useRef(state)
  const offsetRef = useRef(0)
  const finished = useRef(false)

  useEffect(() => {
    const controller = new AbortController()
    // Pages can arrive faster than a frame: collect them and re-render at most every FLUSH_MS,
    // so 50 pages of 5,000 repos cost a handful of view rebuilds, not fifty.
    let pending: PickerItem[] = []
    let timer: NodeJS.Timeout | null = null
    const flush = () => {
      timer = null
      if (pending.length === 0) return
      const batch = pending
      pending = []
      setItems((prev) => prev.concat(batch))
    }
    props
      .load((repos) => {
        for (const r of repos) pending.push(toItem(r))
        timer ??= setTimeout(flush, FLUSH_MS)
      }, controller.signal)
      .then(() => {
        if (timer) clearTimeout(timer)
        flush()
        setLoading(false)
      })
      .catch((err: unknown) => {
        if (timer) clearTimeout(timer)
        if (controller.signal.aborted) return
        flush()
        setLoading(false)
        setError(err instanceof Error ? err.message : String(err))
        finished.current = true
        props.onError(err)
      })
    return () => {
      if (timer) clearTimeout(timer)
      controller.abort()
    }
    // The listing runs once per mount.
  }, [])

  const cache = useMemo(() => new ViewCache(items), [items])
  const listed = useMemo(() => new Set(items.map((i) => i.key)), [items])
  const view = useMemo(() => cache.view(state.query), [cache, state.query])
  const height = Math.max(3, props.height ?? (stdout.rows ?? 24) - CHROME_ROWS)
  const cursor = Math.min(state.cursor, Math.max(0, view.items.length - 1))

  // The input handler reads the latest view through a ref: keys can arrive before React has
  // re-subscribed a handler that closes over the newest render.
  const viewRef = useRef(view)
  viewRef.current = view
  const cacheRef = useRef(cache)
  cacheRef.current = cache
  const heightRef = useRef(height)
  heightRef.current = height

  useInput((input, key) => {
    if (finished.current) return
    const latest = viewRef.current
    // A paste or a fast typist (tmux send-keys) delivers "/api" as one chunk: replay it key by key,
    // so "/" still enters the filter and the rest is typed into it.
    const plain = !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab && !key.backspace && !key.delete
    const keys: Array<[string, typeof key]> = plain && [...input].length > 1 ? [...input].map((ch) => [ch, {...key}]) : [[input, key]]
    let state = {...stateRef.current, cursor: Math.min(stateRef.current.cursor, Math.max(0, latest.items.length - 1))}
    let done: 'confirm' | 'cancel' | undefined
    for (const [ch, k] of keys) {
      // The view a filter keystroke sees is the one for the query typed so far.
      const view = state.query === stateRef.current.query ? latest : cacheRef.current.view(state.query)
      const result = handleKey(state, ch, k, view, heightRef.current - 1)
      state = result.state
      if (result.done) {
        done = result.done
        break
      }
    }
    stateRef.current = state
    setState(state)
    if (done) {
      finished.current = true
      props.onDone(done === 'confirm' ? {confirmed: true, selection: [...state.selected].sort((a, b) => a.localeCompare(b))} : {confirmed: false})
    }
  })

  const cursorRow = view.rowOf[cursor] ?? 0
  const offset = scrollOffset(offsetRef.current, cursorRow, height, view.rows.length)
  offsetRef.current = offset
  const windowRows = view.rows.slice(offset, offset + height)
  const unlisted = loading ? 0 : [...state.selected].filter((k) => !listed.has(k)).length
  const filtering = state.mode === 'filter'

  return (
    <Box flexDirection="column">
      <Text bold>{props.title}</Text>
      <Text>
        {loading ? <Text color="yellow">Loading… {fmt(items.length)} repos</Text> : <Text>{fmt(items.length)} repos</Text>}
        <Text> · {fmt(state.selected.size)} selected</Text>
        {unlisted > 0 ? <Text dimColor> (+{fmt(unlisted)} not in this list, kept)</Text> : null}
        {error ? <Text color="red"> · error: {error}</Text> : null}
      </Text>
      <Text>
        {filtering ? <Text color="cyan">Filter: {state.query}█</Text> : state.query ? <Text>Filter: {state.query}</Text> : <Text dimColor>Filter: (press / to type)</Text>}
        {state.query ? <Text dimColor> {fmt(view.items.length)} match</Text> : null}
      </Text>
      <Box flexDirection="column" height={height}>
        {windowRows.map((row) =>
          row.kind === 'group' ? (
            <Text key={`g:${row.group}`} bold color="blue" wrap="truncate-end">
              {'  '}{row.group} ({fmt(row.count)})
            </Text>
          ) : (
            <Text key={`i:${row.item.key}`} wrap="truncate-end" inverse={row.index === cursor}>
              {row.index === cursor ? '❯ ' : '  '}
              {state.selected.has(row.item.key) ? <Text color="green">[x]</Text> : '[ ]'} {row.item.key}
              {row.item.isPrivate ? <Text dimColor> private</Text> : null}
            </Text>
          ),
        )}
        {view.items.length === 0 && !loading ? <Text dimColor>  No repositories{state.query ? ' match the filter' : ''}.</Text> : null}
      </Box>
      <Text dimColor wrap="truncate-end">
        {filtering
          ? 'type to filter · ↑↓ move · space toggle · enter done · esc clear filter'
          : browseHelp(stdout.columns)}
      </Text>
    </Box>
  )
}
