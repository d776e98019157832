// Preloaded into a benchmarked process: records its peak resident set size (KB) when it exits.
import {writeFileSync} from 'node:fs'

const file = process.env.BB_BENCH_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
