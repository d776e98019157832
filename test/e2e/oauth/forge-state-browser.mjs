#!/usr/bin/env node
// A hostile "browser" for tests: calls the CLI's loopback callback with a code but a forged state.
// With BBI_FORGE_OUT, the loopback's HTTP status is written to that file.
import {writeFileSync} from 'node:fs'

const redirect = new URL(process.argv[2]).searchParams.get('redirect_uri')
const status = await fetch(`${redirect}?code=stolen-code&state=forged-state`).then((r) => r.status, () => 0)
if (process.env.BBI_FORGE_OUT) writeFileSync(process.env.BBI_FORGE_OUT, String(status))
