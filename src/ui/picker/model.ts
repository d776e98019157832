import fuzzysort from 'fuzzysort'

import type {Repository} from '../../core/model.js'

/**
 * The picker's data side, free of Ink so it can be tested and timed on its own.
 * Items arrive page by page; the view (filtered, grouped rows) is recomputed only when the items
 * or the query change, and filter results are cached per query.
 */
export interface PickerItem {
  key: string
  group: string
  isPrivate: boolean
  /** Prepared once: fuzzysort is fast on prepared targets. */
  prepared: Fuzzysort.Prepared
  sortKey: string
  groupKey: string
}

export type Row = {kind: 'group'; group: string; count: number} | {kind: 'item'; item: PickerItem; index: number}

export interface PickerView {
  /** Visible items in display order (grouped); the cursor indexes this. */
  items: PickerItem[]
  /** Group headers interleaved with items: what the window renders. */
  rows: Row[]
  /** rows index of items[i]. */
  rowOf: number[]
}

/** Cloud groups by workspace and project; Data Center by project (which is the container). */
export function groupOf(repo: Repository): string {
  const container = repo.key.includes('/') ? repo.key.slice(0, repo.key.indexOf('/')) : repo.key
  if (repo.provider === 'datacenter') return container
  return `${container} / ${repo.project ?? '(no project)'}`
}

export function toItem(repo: Repository): PickerItem {
  const group = groupOf(repo)
  return {key: repo.key, group, isPrivate: repo.isPrivate, prepared: fuzzysort.prepare(repo.key), sortKey: naturalKey(repo.key), groupKey: naturalKey(group)}
}

/**
 * Natural order ("repo-9" before "repo-10") by a key computed once per item: comparing plain
 * strings is ~10x faster than Intl.Collator and ~100x faster than localeCompare with options,
 * which matters when 5,000 items are re-sorted as pages stream in.
 */
export function naturalKey(s: string): string {
  return s.toLowerCase().replace(/\d+/g, (d) => d.padStart(12, '0'))
}
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function buildView(items: PickerItem[], scores: Map<PickerItem, number> | null): PickerView {
  // Group order: alphabetical without a query; by best score with one, so the best hit is near the top.
  const groups = new Map<string, PickerItem[]>()
  for (const item of items) {
    let g = groups.get(item.group)
    if (!g) groups.set(item.group, (g = []))
    g.push(item)
  }
  const entries = [...groups.entries()]
  if (scores) {
    // Lists are sorted best-first, so a group's best score is its first item's.
    const best = (list: PickerItem[]): number => scores.get(list[0] as PickerItem) ?? 0
    for (const [, list] of entries) list.sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0))
    entries.sort((a, b) => best(b[1]) - best(a[1]) || byString(naturalKey(a[0]), naturalKey(b[0])))
  } else {
    for (const [, list] of entries) list.sort((a, b) => byString(a.sortKey, b.sortKey))
    entries.sort((a, b) => byString(naturalKey(a[0]), naturalKey(b[0])))
  }
  const view: PickerView = {items: [], rows: [], rowOf: []}
  for (const [group, list] of entries) {
    view.rows.push({kind: 'group', group, count: list.length})
    for (const item of list) {
      view.rowOf.push(view.rows.length)
      view.rows.push({kind: 'item', item, index: view.items.length})
      view.items.push(item)
    }
  }
  return view
}

/**
 * Filter + group cache for one generation of items. A new page makes a new generation (the old
 * cache is dropped); typing reuses results: an extended query searches only the previous hits,
 * since a fuzzy match of "abc" implies a match of "ab".
 */
export class ViewCache {
  private readonly cache = new Map<string, {matches: PickerItem[]; view: PickerView}>()
  constructor(private readonly items: PickerItem[]) {}

  view(rawQuery: string): PickerView {
    const query = rawQuery.trim()
    const hit = this.cache.get(query)
    if (hit) return hit.view
    let result: {matches: PickerItem[]; view: PickerView}
    if (query === '') {
      result = {matches: this.items, view: buildView(this.items, null)}
    } else {
      const base = this.narrowestCachedPrefix(query)
      const found = fuzzysort.go(query, base, {key: 'prepared', threshold: 0})
      const scores = new Map<PickerItem, number>()
      for (const r of found) scores.set(r.obj, r.score)
      const matches = found.map((r) => r.obj)
      result = {matches, view: buildView(matches, scores)}
    }
    // A small LRU: typing and backspacing revisit the last few queries.
    if (this.cache.size >= 32) this.cache.delete(this.cache.keys().next().value as string)
    this.cache.set(query, result)
    return result.view
  }

  private narrowestCachedPrefix(query: string): PickerItem[] {
    for (let n = query.length - 1; n > 0; n--) {
      const hit = this.cache.get(query.slice(0, n))
      if (hit) return hit.matches
    }
    return this.items
  }
}

/** Keep the cursor's row (and its group header) inside a window of `height` rows. */
export function scrollOffset(previous: number, cursorRow: number, height: number, totalRows: number): number {
  if (height <= 0) return 0
  // Show the header when the cursor sits on a group's first item.
  const top = Math.max(0, cursorRow - 1)
  let offset = previous
  if (top < offset) offset = top
  if (cursorRow >= offset + height) offset = cursorRow - height + 1
  return Math.max(0, Math.min(offset, Math.max(0, totalRows - height)))
}
