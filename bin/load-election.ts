// `elections election load FILE`: reads a results file's election definition and puts it on the
// `[elections]` topic, where consolidation (and ingest) pick it up.
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import type { Bus } from '../infra/bus/bus.js'
import type { ElectionDefinition } from '../core/schemas.js'
import { TOPICS, definitionPartKey, splitDefinition } from '../core/messages.js'
import { readResultsFile } from './import/results-file.js'
import { openBus } from './adapters.js'

/** Produces the definition's parts; the same definition loaded twice is recognised downstream by its version. */
export async function publishDefinition(bus: Bus, definition: ElectionDefinition): Promise<number> {
  const parts = splitDefinition(definition)
  await bus.produce(
    TOPICS.elections,
    parts.map((p) => ({ key: definitionPartKey(p), value: JSON.stringify(p) })),
  )
  return parts.length
}

export async function runElectionLoad(config: Config, logger: Logger, file: string): Promise<number> {
  const imported = await readResultsFile(file)
  for (const w of imported.warnings) process.stderr.write(`warning: ${w}\n`)
  const bus = await openBus(config, logger, 'tools')
  try {
    const parts = await publishDefinition(bus, imported.definition)
    const { election } = imported.definition
    process.stdout.write(
      `loaded ${election.id} (${election.name}): ${imported.definition.stations.length} stations, ` +
        `${election.contests.length} contest(s), ${parts} definition parts, layout ${imported.layout}\n`,
    )
    return 0
  } finally {
    await bus.close()
  }
}
