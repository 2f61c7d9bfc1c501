// Where each station lies (commune, département), so a client token scoped to some départements,
// communes or stations can be held to them. LoadedElections checks identity only; this adds the
// place of every station of each loaded definition, kept in step by the same `[elections]` follower.
import { stationInScope } from '../core/credentials.js'
import type { ElectionDefinition } from '../core/schemas.js'
import { apiError, type ApiError } from './api-errors.js'
import type { ClientScope } from './api-auth.js'
import { LoadedElections } from './loaded-elections.js'

interface Place {
  commune: string
  departement: string | undefined
}

export class ScopedElections extends LoadedElections {
  private readonly places = new Map<string, Map<string, Place>>()

  override put(definition: ElectionDefinition): void {
    const parents = new Map(definition.areas.map((a) => [a.code, a]))
    const departementOf = (commune: string): string | undefined => {
      let area = parents.get(commune)
      for (let depth = 0; area && depth < 10; depth++) {
        if (area.level === 'departement') return area.code
        area = area.parent === undefined ? undefined : parents.get(area.parent)
      }
      return undefined
    }
    const places = new Map<string, Place>()
    for (const s of definition.stations) places.set(s.id, { commune: s.commune, departement: departementOf(s.commune) })
    this.places.set(definition.election.id, places)
    super.put(definition)
  }

  /** 403 `out-of-scope` when the station lies outside what the client may submit for. */
  checkScope(scope: ClientScope, electionId: string, stationId: string): ApiError | undefined {
    if (scope === 'all') return undefined
    const place = this.places.get(electionId)?.get(stationId)
    if (place && stationInScope(scope, { electionId, stationId, ...place })) return undefined
    return apiError(403, 'out-of-scope', `This API token may not submit returns for polling station "${stationId}" of election "${electionId}".`, [
      { path: 'stationId', message: 'outside the token\'s scope' },
    ])
  }
}
