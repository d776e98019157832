/**
 * Run the emulator on its own: `npm run emulator -- --flavor cloud --port 7990 --dataset small --seed 1`.
 * Prints the URLs and a ready-made credential; Ctrl-C stops it.
 */
import {readFileSync} from 'node:fs'
import {parseArgs} from 'node:util'

import {startEmulator} from './index.js'
import type {Flavor} from './world/types.js'

const {values} = parseArgs({
  options: {
    flavor: {type: 'string', default: 'cloud'},
    port: {type: 'string', default: '0'},
    host: {type: 'string', default: '127.0.0.1'},
    dataset: {type: 'string', default: 'small'},
    seed: {type: 'string', default: '1'},
    'latency-ms': {type: 'string', default: '0'},
    'rate-limit': {type: 'string'},
    'tls-key': {type: 'string'},
    'tls-cert': {type: 'string'},
    help: {type: 'boolean', short: 'h', default: false},
  },
})

if (values.help) {
  process.stdout.write(`Usage: npm run emulator -- [--flavor cloud|datacenter] [--port N] [--dataset tiny|small|medium|large]
                       [--seed N] [--latency-ms N] [--rate-limit N|off] [--tls-key FILE --tls-cert FILE]
Admin API: GET <url>/_admin lists the endpoints (tokens, mutations, truth, stats, faults, ratelimit, deliveries).
`)
  process.exit(0)
}

const flavor = values.flavor as Flavor
if (flavor !== 'cloud' && flavor !== 'datacenter') {
  process.stderr.write(`--flavor must be cloud or datacenter\n`)
  process.exit(2)
}

const rate = values['rate-limit']
const emulator = await startEmulator({
  flavor,
  port: Number(values.port),
  host: values.host,
  dataset: values.dataset,
  seed: Number(values.seed),
  latencyMs: Number(values['latency-ms']),
  rateLimit: rate === undefined ? undefined : rate === 'off' ? null : {requestsPerWindow: Number(rate), windowMs: 3_600_000},
  tls: values['tls-key'] && values['tls-cert'] ? {key: readFileSync(values['tls-key']), cert: readFileSync(values['tls-cert'])} : undefined,
})
const login = await emulator.admin.demoCredential()
const lines = [
  `Bitbucket ${flavor === 'cloud' ? 'Cloud' : 'Data Center'} emulator (dataset ${values.dataset}, seed ${values.seed})`,
  `  URL:       ${emulator.url}`,
  `  API base:  ${emulator.apiBase}`,
  flavor === 'cloud' ? `  API token: ${login.token}  (Basic, user = ${login.email})` : `  Token:     ${login.token}  (Bearer; user ${login.username})`,
  `  Try:       curl -H 'Authorization: ${login.authorization}' ${emulator.apiBase}${flavor === 'cloud' ? '/user' : '/rest/api/latest/projects'}`,
  `  Admin:     ${emulator.url}/_admin`,
  'Ctrl-C to stop.',
]
process.stdout.write(lines.join('\n') + '\n')

const stop = () => {
  void emulator.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
