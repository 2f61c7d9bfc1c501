// The views of the two SVG figures of a page, drawn by templates/chart.mustache and map.mustache:
// a bar chart of a contest's candidates and the map of départements by leading candidate. Both
// are pictures of figures the page also gives as a table (role="img" with a title and a
// description pointing to it), so a screen reader or a text browser loses nothing.
import { findDepartement } from '../core/france-areas.js'
import type { CandidateFigures, ContestFigures } from './area-document.js'
import { candidateColour, NO_RESULT_COLOUR, rankCandidates } from './candidate-ranking.js'
import type { DepartementMap } from './departement-map.js'
import type { Labels } from './page-labels.js'
import { MAP_ASSET_KEY } from './site-assets.js'

const CHART_WIDTH = 320
const ROW_HEIGHT = 30
const BAR_HEIGHT = 11

export function barChartView(c: ContestFigures, place: string, t: Labels) {
  if (c.valid === 0) return undefined
  const ranked = rankCandidates(c.candidates)
  const top = Math.max(...ranked.map((k) => k.share), 1)
  return {
    id: `chart-${c.id}`,
    title: t.chartTitle(c.name, place),
    desc: t.chartDesc,
    width: CHART_WIDTH,
    height: ranked.length * ROW_HEIGHT,
    bars: ranked.map((k, i) => ({
      labelY: i * ROW_HEIGHT + 11,
      barY: i * ROW_HEIGHT + 15,
      barHeight: BAR_HEIGHT,
      // Scaled to the leader so small shares stay visible; the label carries the exact figure.
      barWidth: Math.max(1, Math.round(((k.share / top) * (CHART_WIDTH - 2)) * 10) / 10),
      colour: candidateColour(k.ballot),
      label: `${k.name} — ${t.share(k.share)}`,
    })),
  }
}

/** One département on the map: who leads there, from its page's figures. */
export interface DepartementLead {
  code: string
  name: string
  url: string
  leader: CandidateFigures | undefined
}

export function mapView(map: DepartementMap, contest: ContestFigures, leads: readonly DepartementLead[], t: Labels, href: (url: string) => string) {
  const byInsee = new Map<string, DepartementLead>()
  for (const lead of leads) byInsee.set(findDepartement(lead.code)?.insee ?? lead.code, lead)
  const led = new Map<string, number>()
  const shapes = map.shapes.map((shape) => {
    const lead = byInsee.get(shape.insee)
    const leader = lead?.leader
    if (leader) led.set(leader.id, (led.get(leader.id) ?? 0) + 1)
    return {
      insee: shape.insee,
      fill: leader ? candidateColour(leader.ballot) : NO_RESULT_COLOUR,
      label: `${lead?.name ?? shape.insee} : ${leader ? `${leader.name} ${t.share(leader.share)}` : t.mapNoResult}`,
    }
  })
  const legend = rankCandidates(contest.candidates)
    .filter((k) => led.has(k.id))
    .map((k) => ({ colour: candidateColour(k.ballot), name: k.name, count: t.count(led.get(k.id) ?? 0) }))
  return {
    title: t.mapTitle(contest.name),
    desc: t.mapDesc,
    width: map.width,
    height: map.height,
    shapes,
    insets: map.insets,
    legend,
    noResultColour: NO_RESULT_COLOUR,
    mapFile: MAP_ASSET_KEY,
    rows: leads.map((lead) => ({
      name: `${lead.code} — ${lead.name}`,
      href: href(lead.url),
      leader: lead.leader ? lead.leader.name : t.mapNoResult,
      share: lead.leader ? t.share(lead.leader.share) : '—',
      colour: lead.leader ? candidateColour(lead.leader.ballot) : NO_RESULT_COLOUR,
    })),
  }
}
