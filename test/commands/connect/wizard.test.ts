import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {InterruptedError} from '../../../src/core/errors.js'
import {runConnectWizard, type ConnectAnswers} from '../../../src/ui/prompts/connect-wizard.js'

/** Drives the wizard through injected streams: waits for a prompt's text, then types. */
function harness() {
  const input = new PassThrough()
  const output = new PassThrough()
  let screen = ''
  output.on('data', (d: Buffer) => (screen += d.toString()))
  // @inquirer/core checks for a TTY-like stream only for cursor handling; a PassThrough is enough.
  const waitFor = async (text: string, from = 0): Promise<number> => {
    const deadline = Date.now() + 5000
    while (Date.now() < deadline) {
      const at = screen.indexOf(text, from)
      // A prompt attaches to the input just after it renders: give it a moment before typing.
      if (at >= 0) return new Promise((r) => setTimeout(() => r(at + text.length), 50))
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`prompt "${text}" never appeared; output:\n${screen}`)
  }
  const keys = {enter: '\r', down: '\x1b[B', ctrlC: '\x03'}
  return {input, output, waitFor, keys, screen: () => screen}
}

describe('connect wizard (injected streams)', () => {
  it('asks provider → method → e-mail → masked token for a Cloud API token', async () => {
    const h = harness()
    const done = runConnectWizard({}, {input: h.input, output: h.output})
    let at = await h.waitFor('Which Bitbucket?')
    h.input.write(h.keys.enter) // Cloud
    at = await h.waitFor('How do you want to sign in?', at)
    h.input.write(h.keys.enter) // API token
    at = await h.waitFor('? Atlassian account e-mail', at)
    h.input.write('jane@example.com' + h.keys.enter)
    await h.waitFor('✔ Atlassian account e-mail', at)
    h.input.write('ATATT-very-secret' + h.keys.enter)
    const answers = await done
    expect(answers).toEqual<ConnectAnswers>({
      provider: 'cloud',
      url: 'https://api.bitbucket.org/2.0',
      auth: 'api-token',
      email: 'jane@example.com',
      token: 'ATATT-very-secret',
    })
    expect(h.screen()).toContain('API tokens use your Atlassian account e-mail (not your Bitbucket username).')
    // The token is masked on screen.
    expect(h.screen()).not.toContain('ATATT-very-secret')
  })

  it('explains app passwords and continues with an API token; refuses a username for the e-mail', async () => {
    const h = harness()
    const done = runConnectWizard({provider: 'cloud', url: 'https://api.bitbucket.org/2.0'}, {input: h.input, output: h.output})
    let at = await h.waitFor('How do you want to sign in?')
    h.input.write(h.keys.down + h.keys.down + h.keys.down + h.keys.enter) // App password
    at = await h.waitFor('removed app passwords on 2026-07-28', at)
    at = await h.waitFor('? Atlassian account e-mail', at)
    h.input.write('jdoe' + h.keys.enter)
    at = await h.waitFor('not the Bitbucket username', at)
    // the prompt keeps the text: complete it into an e-mail
    h.input.write('@example.com' + h.keys.enter)
    await h.waitFor('✔ Atlassian account e-mail', at)
    h.input.write('tok' + h.keys.enter)
    const answers = await done
    expect(answers.auth).toBe('api-token')
    expect(answers.email).toBe('jdoe@example.com')
  })

  it('asks Data Center for its URL and a PAT, skipping what flags gave', async () => {
    const h = harness()
    const done = runConnectWizard({provider: 'datacenter', auth: 'pat'}, {input: h.input, output: h.output})
    const at = await h.waitFor('? Server URL')
    h.input.write('https://bitbucket.example.com' + h.keys.enter)
    await h.waitFor('✔ Server URL', at)
    h.input.write('BBDC-x' + h.keys.enter)
    expect(await done).toMatchObject({provider: 'datacenter', url: 'https://bitbucket.example.com', auth: 'pat', token: 'BBDC-x'})
    expect(h.screen()).not.toContain('Which Bitbucket?')
  })

  it('Ctrl-C becomes InterruptedError (exit 4)', async () => {
    const h = harness()
    const done = runConnectWizard({}, {input: h.input, output: h.output}).catch((e: unknown) => e)
    await h.waitFor('Which Bitbucket?')
    h.input.write(h.keys.ctrlC)
    const error = await done
    expect(error).toBeInstanceOf(InterruptedError)
    expect((error as InterruptedError).exitCode).toBe(4)
  })

  it('an aborted signal (SIGINT during a prompt) is also exit 4', async () => {
    const h = harness()
    const controller = new AbortController()
    const done = runConnectWizard({}, {input: h.input, output: h.output, signal: controller.signal}).catch((e: unknown) => e)
    await h.waitFor('Which Bitbucket?')
    controller.abort()
    expect(await done).toBeInstanceOf(InterruptedError)
  })
})
