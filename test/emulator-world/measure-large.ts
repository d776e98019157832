/**
 * Iterates the whole large dataset (100 repositories × 1,000 PRs × 2,000 commits) through the
 * world's LRU and reports time, peak RSS and (with --expose-gc) the live heap after collection.
 * Not a test: run with `node --expose-gc --max-old-space-size=192 --import tsx test/emulator-world/measure-large.ts`
 * (the heap cap shows the iteration needs bounded memory; without it V8 lets garbage pile up).
 */
import {createWorld} from '../../emulator/world/index.js'

const t0 = performance.now()
const world = createWorld({seed: 1, dataset: 'large'})
let peak = process.memoryUsage().rss
let prs = 0
let commits = 0
let files = 0
let activity = 0
let liveHeap = 0
const gc = (globalThis as {gc?: () => void}).gc
let n = 0
for (const c of world.containers()) {
  for (const r of world.repos(c.key)) {
    const d = world.detail(`${r.container}/${r.slug}`)
    prs += d.pullRequests.length
    commits += d.commits.length
    for (const commit of d.commits) files += commit.files.length
    for (const pr of d.pullRequests) activity += pr.activity.length
    peak = Math.max(peak, process.memoryUsage().rss)
    if (gc && ++n % 10 === 0) {
      gc()
      liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed)
    }
  }
}
const elapsed = performance.now() - t0
let truthCount = 0
const t1 = performance.now()
for (const _ of world.truth('cloud', 'commitFile', 'default')) truthCount++
peak = Math.max(peak, process.memoryUsage().rss)
const truthMs = performance.now() - t1
const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`
console.log(JSON.stringify({prs, commits, files, activity, generateAllMs: Math.round(elapsed), perRepoMs: Math.round(elapsed / 100), truthCommitFiles: truthCount, truthCommitFilesMs: Math.round(truthMs), peakRss: mb(peak), peakLiveHeap: gc ? mb(liveHeap) : 'run with --expose-gc', minimumCloudAll: world.minimumRequests('cloud', {commitFiles: true, reviews: true})}))
