// Slow clients (issue 9): a client that trickles its headers or its body cannot hold a socket for
// ever. Every server of the project listens through infra/http's listen(); these tests hold it to
// its deadlines with raw sockets on the real ingest app.
import { connect, type Socket } from 'node:net'
import t from 'tap'
import { HTTP_TIMEOUTS, listen } from '../../infra/http/http.js'
import { startIngest, TOKEN, validReturn } from '../fixtures/ingest-harness.js'

/** Writes `chunks` one every `everyMs` until the server closes the socket; resolves with the time it took. */
function trickle(port: number, head: string, chunks: string, everyMs: number): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket: Socket = connect(port, '127.0.0.1')
    let answer = ''
    let i = 0
    const timer = setInterval(() => {
      if (socket.destroyed) return
      socket.write(chunks[i++ % chunks.length] ?? ' ')
    }, everyMs)
    socket.on('data', (d: Buffer) => (answer += d.toString()))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ closedAfterMs: Date.now() - started, answer })
    })
    socket.write(head)
  })
}

t.test('headers trickled byte by byte: the connection is cut soon after the headers deadline', async (t) => {
  const h = await startIngest(t)
  const server = await listen(h.ingest.app, 0, '127.0.0.1')
  t.teardown(() => server.close())
  t.equal(server.server.headersTimeout, HTTP_TIMEOUTS.headersMs)
  t.equal(server.server.keepAliveTimeout, HTTP_TIMEOUTS.keepAliveMs)
  const { closedAfterMs, answer } = await trickle(server.port, 'POST /v1/returns HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'abcdefgh', 500)
  t.ok(closedAfterMs >= HTTP_TIMEOUTS.headersMs, `not before the deadline (${closedAfterMs} ms)`)
  t.ok(closedAfterMs <= HTTP_TIMEOUTS.headersMs + 3 * HTTP_TIMEOUTS.checkEveryMs, `cut within a few checks of it (${closedAfterMs} ms)`)
  t.match(answer, /^(HTTP\/1\.1 408|)/, 'a 408 at most, never an answer to the request')
})

t.test('a body trickled slower than the request deadline is cut; the same body sent in time is taken', async (t) => {
  const h = await startIngest(t)
  const requestMs = 3_000
  const server = await listen(h.ingest.app, 0, '127.0.0.1', { requestMs, headersMs: 2_000 })
  t.teardown(() => server.close())
  const body = JSON.stringify(validReturn())
  const head = `POST /v1/returns HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${body.length}\r\n\r\n`
  const slow = await trickle(server.port, head, body, 200)
  t.ok(slow.closedAfterMs >= requestMs && slow.closedAfterMs <= requestMs + 3_000, `cut after the deadline (${slow.closedAfterMs} ms)`)
  t.notMatch(slow.answer, /202 Accepted/, 'nothing was accepted from the trickled body')
  t.equal((await h.returnsOnBus()).length, 0)

  const res = await fetch(`http://127.0.0.1:${server.port}/v1/returns`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body })
  t.equal(res.status, 202, 'the same return sent at once is accepted')
})
