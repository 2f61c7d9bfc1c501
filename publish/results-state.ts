// What the publisher knows, rebuilt from `[results]` alone: the election definition (assembled
// from its parts) and the latest result per contest and station. Every message is parsed with zod;
// a message that does not parse is logged, counted and skipped, never fatal, because one bad record
// must not stop the results of a whole country from being published.
import { DefinitionAssembler, ResultsMessageSchema, type ElectionDefinitionPart } from '../core/messages.js'
import type { StationResult } from '../core/schemas.js'
import type { ConsumedRecord } from '../infra/bus/bus.js'
import type { Logger } from '../infra/logging.js'
import type { PublisherMetrics } from './publisher-metrics.js'
import { TallyTree } from './tally-tree.js'

export class ResultsState {
  private readonly assembler = new DefinitionAssembler()
  private definitionVersion: string | undefined
  private current: TallyTree | undefined
  /**
   * Latest result per election, contest and station, kept even without (or before) a definition:
   * on a partitioned topic a result can be read before the definition it belongs to, and a
   * reloaded definition is rebuilt from them.
   */
  private readonly latest = new Map<string, StationResult>()

  constructor(
    private readonly logger: Logger,
    private readonly metrics: PublisherMetrics,
  ) {}

  get tallies(): TallyTree | undefined {
    return this.current
  }

  apply(records: readonly ConsumedRecord[]): void {
    for (const record of records) this.applyOne(record)
  }

  private applyOne(record: ConsumedRecord): void {
    let json: unknown
    try {
      json = JSON.parse(record.value)
    } catch {
      this.skip(record, 'invalid-json')
      return
    }
    const parsed = ResultsMessageSchema.safeParse(json)
    if (!parsed.success) {
      this.skip(record, 'invalid-message', parsed.error.issues.slice(0, 5))
      return
    }
    const message = parsed.data
    switch (message.type) {
      case 'election-definition-part':
        this.onDefinitionPart(message)
        return
      case 'station-result':
        this.onStationResult(record, message)
        return
      default: {
        const never: never = message
        throw new Error(`unhandled results message ${JSON.stringify(never)}`)
      }
    }
  }

  private onDefinitionPart(part: ElectionDefinitionPart): void {
    this.metrics.messages.inc({ outcome: 'definition-part' })
    const definition = this.assembler.add(part)
    // Consolidation relays the definition again after a restart: the same version changes nothing.
    if (!definition || part.definitionVersion === this.definitionVersion) return
    let tallies: TallyTree
    try {
      tallies = new TallyTree(definition)
    } catch (err) {
      this.metrics.messages.inc({ outcome: 'definition-rejected' })
      this.logger.error({ err, electionId: part.electionId, definitionVersion: part.definitionVersion }, 'election definition is inconsistent; keeping the previous one')
      return
    }
    // The topic holds one election at a time in practice; if it holds several, the last
    // definition read wins, which is still a function of the topic's content.
    this.current = tallies
    this.definitionVersion = part.definitionVersion
    for (const result of this.latest.values()) {
      if (result.electionId === tallies.electionId) tallies.apply(result)
    }
    this.logger.info(
      { electionId: tallies.electionId, definitionVersion: part.definitionVersion, stations: tallies.tree.stations.size, areas: tallies.tree.nodes.size },
      'election definition assembled; every page will be rendered',
    )
  }

  private onStationResult(record: ConsumedRecord, result: StationResult): void {
    const key = `${result.electionId}\u0000${result.contestId}\u0000${result.stationId}`
    const held = this.latest.get(key)
    if (held && held.version >= result.version) {
      this.metrics.messages.inc({ outcome: 'stale' })
      return
    }
    this.latest.set(key, result)
    if (!this.current) {
      this.metrics.messages.inc({ outcome: 'held-for-definition' })
      return
    }
    const outcome = this.current.apply(result)
    switch (outcome.kind) {
      case 'applied':
      case 'stale':
        this.metrics.messages.inc({ outcome: outcome.kind })
        return
      case 'other-election':
        this.metrics.messages.inc({ outcome: 'held-for-definition' })
        return
      case 'unknown-contest':
      case 'unknown-station':
      case 'station-not-in-contest':
        this.skip(record, outcome.kind)
        return
      default: {
        const never: never = outcome
        throw new Error(`unhandled apply outcome ${JSON.stringify(never)}`)
      }
    }
  }

  private skip(record: ConsumedRecord, reason: string, issues?: unknown): void {
    this.metrics.messages.inc({ outcome: `skipped-${reason}` })
    this.logger.warn({ key: record.key, offset: record.offset, partition: record.partition, reason, issues }, 'skipping a [results] message')
  }
}
