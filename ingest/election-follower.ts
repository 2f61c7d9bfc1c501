// Keeps LoadedElections in step with the `[elections]` topic. No consumer group: every ingest
// instance reads the topic from its start, so a fresh or restarted instance knows every election
// ever loaded, and a definition loaded later reaches the running instances too.
import { DefinitionAssembler, ElectionDefinitionPartSchema, TOPICS } from '../core/messages.js'
import type { Bus, ConsumedRecord, Subscription } from '../infra/bus/bus.js'
import type { Logger } from '../infra/logging.js'
import type { LoadedElections } from './loaded-elections.js'

export async function followElections(bus: Bus, loaded: LoadedElections, logger: Logger): Promise<Subscription> {
  const assembler = new DefinitionAssembler()
  const handle = async (records: ConsumedRecord[]): Promise<void> => {
    for (const record of records) {
      const part = parsePart(record.value)
      if (!part.success) {
        // A malformed record is skipped, not retried: retrying cannot fix it, and throwing would
        // stall every later definition behind it.
        logger.warn({ offset: record.offset, key: record.key }, 'ingest: skipping a malformed elections record')
        continue
      }
      const definition = assembler.add(part.data)
      if (definition) {
        loaded.put(definition)
        logger.info(
          { electionId: definition.election.id, stations: definition.stations.length },
          'ingest: election definition loaded',
        )
      }
    }
  }
  return bus.subscribe({ topic: TOPICS.elections, handle })
}

function parsePart(value: string) {
  let json: unknown
  try {
    json = JSON.parse(value)
  } catch {
    json = undefined
  }
  return ElectionDefinitionPartSchema.safeParse(json)
}
