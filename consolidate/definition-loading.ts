// Takes `[elections]` records into the database, in the caller's transaction. Parts are stored as
// they come, so a definition survives a restart between two of its parts; when every part of a
// version is there it is assembled, checked, saved, and its parts are put in the outbox so the
// publisher reads the definition from `[results]` alone.
import { buildAreaTree } from '../core/area-tree.js'
import {
  DefinitionAssembler,
  ElectionDefinitionPartSchema,
  TOPICS,
  definitionPartKey,
  type ElectionDefinitionPart,
} from '../core/messages.js'
import type { ElectionDefinition } from '../core/schemas.js'
import type { ConsumedRecord } from '../infra/bus/bus.js'
import type { Queryable } from '../infra/db/db.js'
import { electionFacts, type ElectionFacts } from './election-catalogue.js'
import {
  countDefinitionParts,
  readDefinitionLoadStatus,
  readDefinitionParts,
  recordDefinitionLoad,
  saveDefinition,
  storeDefinitionParts,
} from './elections-repository.js'
import { parseMessage } from './message-parsing.js'
import { enqueueOutbox, type OutboxRow } from './outbox-repository.js'
import { insertRejectedMessages, rejectedRecord, type RejectedMessage } from './rejected-messages-repository.js'

export interface DefinitionIntake {
  parts: number
  unparseable: number
  /** Definitions loaded by this batch: install them in the catalogue once it commits. */
  loaded: ElectionFacts[]
  invalid: { electionId: string; version: string; reason: string }[]
  /** The definitions' parts written to the outbox, for the relay once the transaction has committed. */
  outbox: OutboxRow[]
}

export async function takeInDefinitionRecords(
  tx: Queryable,
  records: readonly ConsumedRecord[],
  ctx: { topic: string; now: Date },
): Promise<DefinitionIntake> {
  const parts: ElectionDefinitionPart[] = []
  const setAside: RejectedMessage[] = []
  for (const record of records) {
    const parsed = parseMessage(ElectionDefinitionPartSchema, record.value, 'election definition part')
    if (parsed.ok) parts.push(parsed.message)
    else setAside.push(rejectedRecord(ctx.topic, record, parsed.reason))
  }
  await insertRejectedMessages(tx, setAside, ctx.now)
  await storeDefinitionParts(tx, parts, ctx.now)

  const intake: DefinitionIntake = { parts: parts.length, unparseable: setAside.length, loaded: [], invalid: [], outbox: [] }
  const versions = new Map(parts.map((p) => [`${p.electionId}:${p.definitionVersion}`, p]))
  for (const { electionId, definitionVersion: version, parts: expected } of versions.values()) {
    // Loading a version a second time changes nothing, whether it was loaded or found invalid.
    if ((await readDefinitionLoadStatus(tx, electionId, version)) !== undefined) continue
    if ((await countDefinitionParts(tx, electionId, version, expected)) < expected) continue
    const assembled = assembleDefinition(await readDefinitionParts(tx, electionId, version), electionId, expected)
    if (!assembled.ok) {
      await recordDefinitionLoad(tx, { electionId, version, status: 'invalid', reason: assembled.reason }, ctx.now)
      intake.invalid.push({ electionId, version, reason: assembled.reason })
      continue
    }
    const { definition, departementOf } = assembled
    await saveDefinition(tx, definition, version, departementOf, ctx.now)
    const stored = await enqueueOutbox(
      tx,
      assembled.parts.map((p) => ({ topic: TOPICS.results, key: definitionPartKey(p), value: JSON.stringify(withoutContacts(p)) })),
      ctx.now,
    )
    intake.outbox.push(...stored)
    await recordDefinitionLoad(tx, { electionId, version, status: 'loaded' }, ctx.now)
    intake.loaded.push(
      electionFacts(version, definition.election, definition.stations.map((station) => ({ station, departement: departementOf(station.id) }))),
    )
  }
  return intake
}

/**
 * A station's contact (a person's name and phone) is for the desk's chase list; the publisher and
 * the public never need it, so it stops here and `[results]` carries the definition without it.
 */
function withoutContacts(part: ElectionDefinitionPart): ElectionDefinitionPart {
  if (!part.stations.some((s) => s.contact !== undefined)) return part
  return { ...part, stations: part.stations.map(({ contact: _contact, ...station }) => station) }
}

type Assembled =
  | {
      ok: true
      definition: ElectionDefinition
      parts: ElectionDefinitionPart[]
      departementOf: (stationId: string) => string | undefined
    }
  | { ok: false; reason: string }

/** Assembles stored parts and checks the result holds together (area tree, election id). */
function assembleDefinition(bodies: readonly unknown[], electionId: string, expected: number): Assembled {
  const parts: ElectionDefinitionPart[] = []
  for (const body of bodies) {
    const parsed = ElectionDefinitionPartSchema.safeParse(body)
    if (!parsed.success) return { ok: false, reason: `a stored part no longer parses: ${parsed.error.message}` }
    if (parsed.data.part < expected) parts.push(parsed.data)
  }
  const assembler = new DefinitionAssembler()
  let definition: ElectionDefinition | undefined
  for (const part of parts) definition = assembler.add(part) ?? definition
  if (definition === undefined) return { ok: false, reason: 'the parts do not make a definition (part 0, with the election, is missing)' }
  if (definition.election.id !== electionId) {
    return { ok: false, reason: `the parts are labelled ${electionId} but carry election ${definition.election.id}` }
  }
  try {
    const tree = buildAreaTree(definition)
    const departementOf = (stationId: string) =>
      tree.ancestorsOfStation(stationId).find((node) => node.area.level === 'departement')?.area.code
    return { ok: true, definition, parts, departementOf }
  } catch (err) {
    // buildAreaTree asserts its invariants; for a definition from the bus a broken one is input, not a bug.
    return { ok: false, reason: `the area tree does not hold together: ${err instanceof Error ? err.message : String(err)}` }
  }
}
