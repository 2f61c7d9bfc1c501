import t from 'tap'
import { buildAreaTree } from '../../core/area-tree.js'
import { checkReturn } from '../../core/checks.js'
import { sumCounts } from '../../core/counts.js'
import { DEMO_POLLS_CLOSE_AT, demoElection } from '../../core/demo-election.js'
import { ElectionDefinitionSchema } from '../../core/schemas.js'

t.test('the demo election is deterministic', async (t) => {
  const first = demoElection()
  t.same(demoElection(), first)
  t.equal(first.definition.election.pollsCloseAt, DEMO_POLLS_CLOSE_AT)
  t.equal(demoElection({ pollsCloseAt: '2030-01-01T19:00:00Z' }).definition.election.pollsCloseAt, '2030-01-01T19:00:00Z')
  t.same(first.definition.election.policy, { mode: 'auto', autoAcknowledgeWarnings: false })
})

t.test('the demo election is a plausible small presidential-style election', async (t) => {
  const { definition, returns } = demoElection()
  ElectionDefinitionSchema.parse(definition)
  const tree = buildAreaTree(definition)
  const count = (level: string): number => definition.areas.filter((a) => a.level === level).length
  t.equal(count('region'), 2)
  t.ok(count('departement') >= 3 && count('departement') <= 4, 'three or four départements')
  t.ok(count('commune') >= 12 && count('commune') <= 20, '12 to 20 communes')
  t.ok(definition.stations.length >= 150 && definition.stations.length <= 300, '150 to 300 stations')
  t.equal(tree.root.stationCount, definition.stations.length)
  t.ok(definition.stations.every((s) => s.registered >= 300 && s.registered <= 1500), '300 to 1,500 registered each')
  const [contest] = definition.election.contests
  t.equal(contest?.candidates.length, 6)
  t.ok(contest?.candidates.every((c) => c.party !== undefined && c.party !== ''), 'every candidate has a party')
  t.equal(returns.length, definition.stations.length, 'one return per station')
  t.same(new Set(returns.map((r) => r.stationId)), new Set(definition.stations.map((s) => s.id)))
  const total = sumCounts(returns.map((r) => r.counts))
  const turnout = total.voters / total.registered
  t.ok(turnout > 0.7 && turnout < 0.85, `national turnout ${turnout} is plausible`)
})

t.test('every demo return passes every check, turnout against its commune included', async (t) => {
  const { definition, returns } = demoElection()
  const stations = new Map(definition.stations.map((s) => [s.id, s]))
  const candidates = definition.election.contests[0]?.candidates ?? []
  const turnout = (r: (typeof returns)[number]): number => r.counts.voters / r.counts.registered
  const communeOf = (r: (typeof returns)[number]): string => stations.get(r.stationId)?.commune ?? ''
  let findings = 0
  for (const r of returns) {
    const station = stations.get(r.stationId)
    if (station === undefined) {
      t.fail(`return for unknown station ${r.stationId}`)
      continue
    }
    // The peers W204 compares with: the other stations of the same commune.
    const peers = returns.filter((p) => p !== r && communeOf(p) === station.commune).map(turnout)
    const result = checkReturn(r.counts, { station, candidates, peerTurnouts: peers })
    if (result.length > 0) t.fail(`${r.stationId}: ${JSON.stringify(result)}`)
    findings += result.length
  }
  t.equal(findings, 0)
})
