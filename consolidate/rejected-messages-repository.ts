// SQL for bus records consolidation could not take in as they are. Keyed by record position, so a
// batch delivered again after a crash records each of them once.
import type { ConsumedRecord } from '../infra/bus/bus.js'
import type { Queryable } from '../infra/db/db.js'
import { rowsParam, toNumber } from './sql-values.js'

export interface RejectedMessage {
  topic: string
  partition: number
  offset: string
  key: string
  value: string
  reason: string
}

/** A bus record set aside whole, at its position, with why. */
export function rejectedRecord(topic: string, record: ConsumedRecord, reason: string): RejectedMessage {
  return { topic, partition: record.partition, offset: record.offset, key: record.key, value: record.value, reason }
}

export async function insertRejectedMessages(tx: Queryable, rejected: readonly RejectedMessage[], at: Date): Promise<void> {
  if (rejected.length === 0) return
  await tx.query(
    `INSERT INTO rejected_messages (topic, source_partition, source_offset, key, value, reason, received_at)
     SELECT r.topic, r.source_partition, r.source_offset, r.key, r.value, r.reason, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb)
         AS r(topic text, source_partition integer, source_offset text, key text, value text, reason text)
     ON CONFLICT (topic, source_partition, source_offset) DO NOTHING`,
    [
      rowsParam(
        rejected.map((r) => ({
          topic: r.topic,
          source_partition: r.partition,
          source_offset: r.offset,
          key: r.key,
          value: r.value,
          reason: r.reason,
        })),
      ),
      at,
    ],
  )
}

export async function countRejectedMessages(q: Queryable): Promise<number> {
  const res = await q.query<{ n: unknown }>(`SELECT count(*) AS n FROM rejected_messages`)
  return toNumber(res.rows[0]?.n ?? 0)
}

export async function readRejectedMessages(q: Queryable, limit: number): Promise<(RejectedMessage & { id: number })[]> {
  const res = await q.query<{
    id: unknown
    topic: string
    source_partition: unknown
    source_offset: string
    key: string
    value: string
    reason: string
  }>(
    `SELECT id, topic, source_partition, source_offset, key, value, reason FROM rejected_messages ORDER BY id LIMIT $1`,
    [limit],
  )
  return res.rows.map((r) => ({
    id: toNumber(r.id),
    topic: r.topic,
    partition: toNumber(r.source_partition),
    offset: r.source_offset,
    key: r.key,
    value: r.value,
    reason: r.reason,
  }))
}
