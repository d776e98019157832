#!/usr/bin/env node
// A hostile "browser" for tests: calls the CLI's loopback callback with a code but a forged state.
const redirect = new URL(process.argv[2]).searchParams.get('redirect_uri')
await fetch(`${redirect}?code=stolen-code&state=forged-state`).catch(() => undefined)
