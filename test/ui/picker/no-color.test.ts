/**
 * The picker under NO_COLOR=1 / --no-color in a real terminal (tmux, 60 columns): `capture-pane -e`
 * shows no escape sequence (it used to print `ESC[32m[x]`); with neither, the same screen has colours.
 */
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {setupFixture, type Fixture} from '../../core/validate/fixture.js'
import {baseEnv, BIN, ensureBuilt, ROOT} from '../../helpers/cli.js'
import {Tmux} from '../../helpers/tmux.js'

// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[/
let fx: Fixture | undefined
const terms: Tmux[] = []
beforeAll(() => ensureBuilt(), 180_000)
afterEach(async () => {
  for (const t of terms.splice(0)) await t.kill()
  await fx?.close()
  fx = undefined
})

async function picker(args: string, env: Record<string, string | undefined>): Promise<{screen: string; escapes: string}> {
  const t = await Tmux.start(`${process.execPath} ${BIN} repos select${args}`, {env: baseEnv({BB_INTEGRATE_CONFIG_DIR: fx!.dir, CI: undefined, ...env}), cwd: ROOT, width: 60, height: 20})
  terms.push(t)
  const screen = await t.waitForText(/\[x\] \S+/, 20_000)
  const escapes = await t.capture({escapes: true})
  await t.sendKeys('Escape')
  expect(await t.waitForExit(10_000)).toBe(4)
  return {screen, escapes}
}

describe('picker colours', () => {
  it('NO_COLOR=1 and --no-color: no escape sequence on screen; neither: colours', async () => {
    fx = await setupFixture({fileStore: true, select: 1})
    const noColor = await picker('', {NO_COLOR: '1'})
    expect(noColor.screen).toContain(`[x] ${fx.selection[0]}`)
    expect(noColor.escapes).not.toMatch(ESCAPE)
    // Every line fits 60 columns: the key help is cut with "…", not wrapped.
    for (const line of noColor.screen.split('\n')) expect([...line].length).toBeLessThanOrEqual(60)

    const flag = await picker(' --no-color', {NO_COLOR: undefined})
    expect(flag.escapes).not.toMatch(ESCAPE)

    const coloured = await picker('', {NO_COLOR: undefined})
    expect(coloured.escapes).toMatch(ESCAPE)
  }, 120_000)
})
