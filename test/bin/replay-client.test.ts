// The replay client (bin/replay-client.ts), which `elections replay` and bench/night submit with,
// against a real ingest app: a return answered `request-in-progress` is sent again until it is
// stored, not given up; a return truly rejected is reported and not sent again.
// bench/night --chaos found the first: ingest killed in the middle of a batch left its claims
// pending, the client's retry of that batch met them, and 500 returns were never stored.
import t from 'tap'
import type { Bus } from '../../infra/bus/bus.js'
import { replayReturnId, submitReturns, type ReplayItem } from '../../bin/replay-client.js'
import { CLIENT, TOKEN, startIngest } from '../fixtures/ingest-harness.js'

const REGISTERED: Record<string, number> = { S1: 1000, S2: 800, S3: 500 }

function item(stationId: string, alice = 200): ReplayItem {
  return {
    electionId: 'e2024',
    contestId: 'pres',
    stationId,
    counts: { registered: REGISTERED[stationId] ?? 0, voters: 400, blank: 10, invalid: 5, valid: 385, votes: { ALICE: alice, BOB: 385 - alice } },
  }
}

/** The body the replay client sends for an item: the same return, byte for byte in meaning. */
const asSent = (i: ReplayItem) => ({ ...i, returnId: replayReturnId(i), channel: 'import' })

/**
 * The first produce (an earlier attempt's) waits until a second produce starts: by then the second
 * request has claimed its returns, so it met the first one's claim still pending.
 */
function heldUntilSecondProduce(bus: Bus): Bus {
  let calls = 0
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  return {
    ...bus,
    produce: async (topic, records) => {
      calls++
      if (calls === 1) {
        await bus.produce(topic, records)
        await released
        return
      }
      release()
      await bus.produce(topic, records)
    },
  }
}

t.test('a return still being stored by an earlier attempt is sent again, and gets that attempt’s receipt', async (t) => {
  const h = await startIngest(t, { wrapBus: heldUntilSecondProduce })
  const earlier = h.post('/v1/returns/batch', { returns: [asSent(item('S1'))] })
  const report = await submitReturns({ ingestUrl: h.url, token: TOKEN, items: [item('S1'), item('S2')], concurrency: 1 })
  const first = await earlier
  t.equal(first.json.results[0].status, 'accepted', 'the earlier attempt was stored')
  t.same(
    { accepted: report.accepted, rejected: report.rejected, byCode: report.rejectedByCode, retries: report.retries },
    { accepted: 2, rejected: 0, byCode: {}, retries: 1 },
    'both returns accepted, none rejected, after one resend',
  )
  t.equal(report.receipts.get(`${CLIENT}:${replayReturnId(item('S1'))}`), first.json.results[0].receipt, 'the resent return has the earlier attempt’s receipt')
  const stored = (await h.returnsOnBus()).map((r) => r.message.stationId).sort()
  t.same(stored, ['S1', 'S2'], 'each return stored once')
})

t.test('a return rejected for another reason is reported, not sent again', async (t) => {
  const h = await startIngest(t)
  // The same return id already stored with other figures: a conflict, final.
  const stored = await h.post('/v1/returns/batch', { returns: [asSent(item('S1', 250))] })
  t.equal(stored.json.results[0].status, 'accepted')
  const report = await submitReturns({ ingestUrl: h.url, token: TOKEN, items: [item('S1'), item('S3')] })
  t.same(
    { accepted: report.accepted, rejected: report.rejected, byCode: report.rejectedByCode, retries: report.retries },
    { accepted: 1, rejected: 1, byCode: { 'idempotency-conflict': 1 }, retries: 0 },
  )
  t.match(report.rejectionSamples, [/^S1: idempotency-conflict: /])
  t.same((await h.returnsOnBus()).map((r) => r.message.stationId).sort(), ['S1', 'S3'])
})
