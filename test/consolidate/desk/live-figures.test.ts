// Live figures: GET /events streams the dashboard's cells to a signed-in user, all of them first,
// then only those that changed when the consolidator moves a station; one poller serves every
// open stream; the Content-Security-Policy lets the desk's own script run and nothing else.
import t from 'tap'
import type { Db } from '../../../infra/db/db.js'
import { cleanCounts, SMALL_ELECTION_ID } from '../../fixtures/small-election.js'
import { produceReturns, smallReturn } from '../../fixtures/consolidation-harness.js'
import { openListsScenario } from '../../fixtures/desk-lists-scenario.js'
import { startTestDesk, type DeskClient } from '../../helpers/desk-client.js'

interface Figures {
  version: number
  asOf: string
  cells: Record<string, string>
}

/** An open GET /events: the `figures` events as they come. */
async function openStream(baseUrl: string, browser: DeskClient) {
  const controller = new AbortController()
  const res = await fetch(new URL('/events', baseUrl), { headers: { cookie: `desk_session=${browser.session ?? ''}` }, signal: controller.signal, redirect: 'manual' })
  const reader = res.body?.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  return {
    res,
    close: () => controller.abort(),
    async next(timeoutMs = 10_000): Promise<Figures> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = /^event: figures\ndata: (.*)$/m.exec(block)?.[1]
          if (data !== undefined) return JSON.parse(data) as Figures
          continue
        }
        if (reader === undefined || Date.now() > deadline) throw new Error('no figures event in time')
        const chunk = await reader.read()
        if (chunk.done) throw new Error('the stream ended')
        buffer += decoder.decode(chunk.value, { stream: true })
      }
    },
  }
}

/** The database, counting the live feed's change-mark queries (one per poll). */
function countingPolls(db: Db): { db: Db; polls: () => number } {
  let polls = 0
  const counted: Db = {
    query: (sql, params) => {
      if (sql.includes('FROM outbox WHERE relayed_at IS NULL')) polls++
      return db.query(sql, params)
    },
    transaction: (fn) => db.transaction(fn),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  }
  return { db: counted, polls: () => polls }
}

const overall = `overall-${SMALL_ELECTION_ID}|all`

t.test('the stream sends every cell, then the ones a new return changed', async (t) => {
  const { h, station } = await openListsScenario(t)
  const desk = await startTestDesk(t, { db: h.db, liveIntervalMs: 50 })
  const browser = await desk.signedIn('olga', 'operator')

  const anonymous = await fetch(new URL('/events', desk.baseUrl), { redirect: 'manual' })
  t.equal(anonymous.status, 303, 'no session, no stream')
  await anonymous.body?.cancel()

  const stream = await openStream(desk.baseUrl, browser)
  t.teardown(() => stream.close())
  t.equal(stream.res.status, 200)
  t.match(stream.res.headers.get('content-type'), /^text\/event-stream/)
  const first = await stream.next()
  t.match(first.cells, {
    [`${overall}|reported`]: '7',
    [`${overall}|conflict`]: '1',
    [`departements-${SMALL_ELECTION_ID}|75|reported`]: '2',
    [`regions-${SMALL_ELECTION_ID}|11|reported`]: '5',
    'review-total': '4',
  })
  t.match(first.asOf, /11 avril 2027/)

  await produceReturns(h.bus, [smallReturn('75056-0201', cleanCounts(station('75056-0201'), 9))])
  await h.consolidator.caughtUp()
  const second = await stream.next()
  t.ok(second.version > first.version, 'a new version')
  t.equal(second.cells[`${overall}|reported`], '8')
  t.equal(second.cells[`departements-${SMALL_ELECTION_ID}|75|reported`], '3')
  t.equal(second.cells[`departements-${SMALL_ELECTION_ID}|69|reported`], undefined, 'an unchanged cell is not sent again')
  t.equal(second.cells['review-total'], undefined, 'nor an unchanged total')
})

t.test('one poller for every open page, polling only while one listens', async (t) => {
  const { h } = await openListsScenario(t)
  const counting = countingPolls(h.db)
  const intervalMs = 50
  const desk = await startTestDesk(t, { db: counting.db, liveIntervalMs: intervalMs })
  const browsers = await Promise.all(['ana', 'bob', 'cyd'].map((name) => desk.signedIn(name, 'operator')))
  t.equal(counting.polls(), 0, 'nothing polls before a page listens')

  const streams = await Promise.all(browsers.map((b) => openStream(desk.baseUrl, b)))
  for (const s of streams) await s.next()
  const started = counting.polls()
  const windowMs = 1000
  await new Promise((r) => setTimeout(r, windowMs))
  const polled = counting.polls() - started
  t.ok(polled >= 5, `the poller ran (${polled} polls in ${windowMs} ms)`)
  t.ok(polled <= windowMs / intervalMs + 2, `three pages, one poller: ${polled} polls in ${windowMs} ms at one per ${intervalMs} ms`)

  for (const s of streams) s.close()
  await new Promise((r) => setTimeout(r, 200))
  const afterClose = counting.polls()
  await new Promise((r) => setTimeout(r, 300))
  t.equal(counting.polls(), afterClose, 'no page listening: no polling')
})

t.test('pages load the live script and reload without it; the CSP admits the desk’s own script only', async (t) => {
  const { h } = await openListsScenario(t)
  const desk = await startTestDesk(t, { db: h.db })
  const browser = await desk.signedIn('olga', 'operator')
  for (const path of ['/', '/chase', '/review', `/areas/${SMALL_ELECTION_ID}/75`]) {
    const page = await browser.get(path)
    t.match(page.text, '<script src="/desk-live.js" defer></script>', `${path} loads the live script`)
    t.match(page.text, '<noscript><meta http-equiv="refresh" content="30"></noscript>', `${path} reloads itself without JavaScript`)
    t.match(page.text, 'class="reload">Actualiser</a>', `${path} has a reload link`)
    const csp = page.headers.get('content-security-policy') ?? ''
    t.match(csp, "script-src 'self'")
    t.match(csp, "connect-src 'self'")
    t.match(csp, "default-src 'none'")
    t.notMatch(csp, 'unsafe-inline')
    if (path !== '/') t.match(page.text, '<p id="live-stale" class="stale" hidden>', `${path} can say it is out of date`)
  }
  const script = await browser.get('/desk-live.js')
  t.equal(script.status, 200)
  t.match(script.headers.get('content-type'), /^text\/javascript/)
  t.match(script.text, "new EventSource('/events')")
})
