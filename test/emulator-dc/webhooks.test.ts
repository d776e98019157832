import {createHmac} from 'node:crypto'
import {createServer} from 'node:http'
import type {IncomingHttpHeaders, Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {ALPHA, API, call, pat, startDc} from './helpers.js'
import type {Any} from './helpers.js'

interface Received {
  headers: IncomingHttpHeaders
  body: string
}

const h = (n: number): string => n.toString(16).padStart(2, '0').repeat(20)

describe('DC webhooks', () => {
  let emu: RunningEmulator
  let receiver: Server
  let receiverUrl: string
  const received: Received[] = []
  let admin: string

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({headers: req.headers, body: Buffer.concat(chunks).toString('utf8')})
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    emu = await startDc({webhooks: {retryDelayMs: 1}})
    admin = pat(emu, 'alice', ['PROJECT_ADMIN']).auth
  })
  afterAll(async () => {
    await emu.close()
    await new Promise((r) => receiver.close(r))
  })

  it('creates, reads, updates and deletes a repository webhook without ever returning the secret', async () => {
    const created = await call(emu, `${ALPHA}/webhooks`, {method: 'POST', auth: admin, body: {name: 'bb', url: receiverUrl, events: ['pr:opened', 'repo:refs_changed'], active: true, configuration: {secret: 's3cret', createdBy: 'bb-integrate'}}})
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({name: 'bb', url: receiverUrl, events: ['pr:opened', 'repo:refs_changed'], active: true, scopeType: 'repository', configuration: {createdBy: 'bb-integrate'}})
    expect(typeof created.body.createdDate).toBe('number')
    expect(created.text).not.toContain('s3cret')
    const id = created.body.id as number
    const list = await call(emu, `${ALPHA}/webhooks`, {auth: admin})
    expect(list.body).toMatchObject({size: 1, isLastPage: true, values: [{id}]})
    expect(list.text).not.toContain('s3cret')
    // An update without configuration.secret keeps the stored secret (clients cannot read it back).
    const updated = await call(emu, `${ALPHA}/webhooks/${id}`, {method: 'PUT', auth: admin, body: {name: 'bb2', url: receiverUrl, events: ['pr:opened'], configuration: {createdBy: 'x'}}})
    expect(updated.body).toMatchObject({id, name: 'bb2', events: ['pr:opened'], configuration: {createdBy: 'x'}})
    expect(emu.state.hooks.get(String(id))?.secret).toBe('s3cret')
    expect((await call(emu, `${ALPHA}/webhooks/${id}`, {auth: admin})).body.name).toBe('bb2')
    expect((await call(emu, `${API}/projects/PROJ/repos/beta/webhooks/${id}`, {auth: admin})).status).toBe(404)
    expect((await call(emu, `${ALPHA}/webhooks/${id}`, {method: 'DELETE', auth: admin})).status).toBe(204)
    expect((await call(emu, `${ALPHA}/webhooks/${id}`, {auth: admin})).status).toBe(404)
  })

  it('validates the webhook body', async () => {
    for (const body of [{name: 'x', url: 'not a url', events: ['pr:opened']}, {name: 'x', url: receiverUrl, events: []}, {name: 'x', url: receiverUrl, events: ['pullrequest:created']}]) {
      const r = await call(emu, `${ALPHA}/webhooks`, {method: 'POST', auth: admin, body})
      expect(r.status, JSON.stringify(body)).toBe(400)
    }
  })

  it('keeps project webhooks apart from repository webhooks', async () => {
    const created = await call(emu, `${API}/projects/PROJ/webhooks`, {method: 'POST', auth: admin, body: {name: 'proj', url: receiverUrl, events: ['pr:reviewer:approved']}})
    expect(created.body.scopeType).toBe('project')
    expect((await call(emu, `${API}/projects/PROJ/webhooks`, {auth: admin})).body.values.map((w: Any) => w.name)).toEqual(['proj'])
    expect((await call(emu, `${ALPHA}/webhooks/${created.body.id}`, {auth: admin})).status).toBe(404)
  })

  it('delivers signed DC payloads for mutations (project hook, reviewer approved)', async () => {
    await call(emu, `${API}/projects/PROJ/webhooks`, {method: 'POST', auth: admin, body: {name: 'signed', url: receiverUrl, events: ['pr:reviewer:approved'], configuration: {secret: 'k3y'}}})
    received.length = 0
    await emu.admin.mutate({type: 'pr.approve', repo: 'PROJ/alpha', id: 1, user: 'carol'}, {wait: true})
    const signed = received.find((r) => r.headers['x-hub-signature'])
    expect(signed).toBeDefined()
    const {headers, body} = signed as Received
    expect(headers['x-event-key']).toBe('pr:reviewer:approved')
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', 'k3y').update(body).digest('hex')}`)
    const payload = JSON.parse(body)
    expect(payload).toMatchObject({eventKey: 'pr:reviewer:approved', actor: {slug: 'carol'}, participant: {user: {slug: 'carol'}, status: 'APPROVED'}, pullRequest: {id: 1, state: 'OPEN'}})
    expect(payload.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/)
  })

  it('delivers repo:refs_changed with the moved ref and its old and new heads', async () => {
    await call(emu, `${ALPHA}/webhooks`, {method: 'POST', auth: admin, body: {name: 'push', url: receiverUrl, events: ['repo:refs_changed']}})
    received.length = 0
    const result = await emu.admin.mutate({type: 'push', repo: 'PROJ/alpha', branch: 'feature/x'}, {wait: true})
    const push = received.find((r) => r.headers['x-event-key'] === 'repo:refs_changed')
    expect(push).toBeDefined()
    const payload = JSON.parse((push as Received).body)
    expect(payload.repository).toMatchObject({slug: 'alpha', project: {key: 'PROJ'}})
    expect(payload.changes).toEqual([{ref: {id: 'refs/heads/feature/x', displayId: 'feature/x', type: 'BRANCH'}, refId: 'refs/heads/feature/x', fromHash: h(6), toHash: (result.details.commits as string[])[0], type: 'UPDATE'}])
  })

  it('tests connectivity by calling the URL from the server', async () => {
    received.length = 0
    const r = await call(emu, `${ALPHA}/webhooks/test?url=${encodeURIComponent(receiverUrl)}`, {method: 'POST', auth: admin})
    expect(r.status).toBe(200)
    expect(r.body.response.statusCode).toBe(204)
    expect(received.map((x) => x.headers['x-event-key'])).toEqual(['diagnostics:ping'])
    const down = await call(emu, `${ALPHA}/webhooks/test?url=${encodeURIComponent('http://127.0.0.1:1/x')}`, {method: 'POST', auth: admin})
    expect(down.status).toBe(200)
    expect(down.body.exception.message).toBeTruthy()
  })
})
