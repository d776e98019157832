/**
 * A corrupt or empty config file (issue 11, item 1): every command names the file, what is wrong and
 * the remedy (exit 2, also in the --json envelope); `validate` reports it as a failing row.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, runCli} from '../../helpers/cli.js'

let dir: string
beforeAll(() => {
  ensureBuilt()
  dir = mkdtempSync(path.join(tmpdir(), 'bbi-badconfig-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const file = () => path.join(dir, 'config.json')
const cli = (args: string[], stdin?: string) => runCli(args, {timeoutMs: 30_000, stdin, env: {BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_STORE: path.join(dir, 's.db')}})

const COMMANDS: string[][] = [
  ['sync'], ['repos', 'list'], ['repos', 'select', '--all'], ['auth', 'status'], ['disconnect', '--name', 'x'],
  ['connect', '--provider', 'cloud', '--url', 'http://127.0.0.1:9/2.0', '--auth', 'api-token', '--email', 'a@example.com', '--token-stdin'],
]

describe('a corrupt config file', () => {
  for (const [label, text, what] of [['junk', 'junk\n', /is not valid JSON/], ['empty', '', /is empty/], ['null', 'null', /not null/], ['[]', '[]', /not an array/]] as const) {
    it(`${label}: every command says which file, what is wrong and what to do (exit 2, --json too); validate fails its config row`, async () => {
      writeFileSync(file(), text)
      for (const args of label === 'junk' ? COMMANDS : COMMANDS.slice(0, 1)) {
        const r = await cli(args, 'not-a-real-token\n')
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
        expect(r.stderr).toContain(file())
        expect(r.stderr).toMatch(what)
        expect(r.stderr).toMatch(/bb-integrate connect/)
        expect(r.stderr).not.toMatch(/SyntaxError|not-a-real-token/)
      }
      const json = await cli(['auth', 'status', '--json'])
      expect(json.code).toBe(2)
      expect(JSON.parse(json.stdout)).toMatchObject({error: {code: 'config_invalid', exitCode: 2, details: {file: file()}}})
      const validate = await cli(['validate'])
      expect(validate.code).toBe(1)
      expect(validate.stdout).toMatch(new RegExp(`^FAIL config: .*${file().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm'))
      expect(readFileSync(file(), 'utf8')).toBe(text)
    }, 120_000)
  }
})
