// The finder's HTML pages (French, no JavaScript needed): home with the search box and the
// départements, a page per département, per commune, a street index per commune with several
// stations and known addresses, and a page per station.
import { readFileSync } from 'node:fs'
import { createTemplateRenderer, type TemplateRenderer } from '../infra/mustache-renderer.js'
import { describeRun } from './browser/finder-lookup.js'
import type { FinderCommune, FinderDepartement, FinderStation } from './finder-model.js'
import { addressLine, stationLabel, stationPage } from './finder-shards.js'

const TEMPLATE_NAMES = ['head', 'foot', 'home', 'departement', 'commune', 'streets', 'station'] as const
type TemplateName = (typeof TEMPLATE_NAMES)[number]

let renderer: TemplateRenderer<TemplateName> | undefined

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)

interface Crumb {
  href: string
  label: string
}

function render(name: TemplateName, view: object): string {
  if (!renderer) {
    const t = Object.fromEntries(TEMPLATE_NAMES.map((n) => [n, readFileSync(new URL(`./templates/${n}.mustache`, import.meta.url), 'utf8')])) as Record<TemplateName, string>
    renderer = createTemplateRenderer(t, { head: t.head, foot: t.foot }, escapeHtml)
  }
  return renderer.render(name, view)
}

/** Relative prefix back to the finder's root from a page `depth` folders below it. */
const rootOf = (depth: number) => '../'.repeat(depth)

function crumbs(depth: number, ...more: Crumb[]): Crumb[] {
  return [{ href: rootOf(depth) || './', label: 'Où voter ?' }, ...more]
}

export function renderHome(departements: readonly FinderDepartement[]): string {
  return render('home', { title: 'Trouver son bureau de vote', breadcrumb: [], root: '', departements })
}

export function renderDepartement(dep: FinderDepartement): string {
  const root = rootOf(2)
  return render('departement', {
    title: dep.name,
    breadcrumb: crumbs(2),
    root,
    code: dep.code,
    name: dep.name,
    communes: dep.communes.map((c) => ({ code: c.code, name: c.name, single: c.stations.length === 1 })),
  })
}

export function renderCommune(c: FinderCommune, depName: string): string {
  const root = rootOf(2)
  const byArrondissement = new Map<string, FinderStation[]>()
  for (const s of c.stations) {
    const key = s.arrondissement ?? ''
    byArrondissement.set(key, [...(byArrondissement.get(key) ?? []), s])
  }
  const groups = [...byArrondissement].map(([arr, stations]) => ({
    heading: arr === '' ? undefined : `${Number(arr)}${arr === '01' ? 'er' : 'e'} arrondissement`,
    anchor: `arr-${arr}`,
    places: placesOf(stations).map((p) => ({ ...p, root })),
  }))
  return render('commune', {
    title: c.name,
    breadcrumb: crumbs(2, { href: `${root}departement/${c.departement}/`, label: depName }),
    root,
    name: c.name,
    hours: c.hours,
    several: c.stations.length > 1,
    stationCount: c.stations.length,
    hasAddresses: c.hasAddresses,
    hasAreas: c.stations.some((s) => s.area !== undefined),
    groups,
  })
}

/** Stations grouped by polling place (same name and address), in bureau order. */
function placesOf(stations: readonly FinderStation[]) {
  const places = new Map<string, { place?: string; address?: string; stations: { name: string; page: string }[] }>()
  for (const s of stations) {
    const place = s.place?.place ?? s.station.address
    const address = s.place === undefined ? undefined : addressLine(s.place.address, s.place.postcode)
    const key = place === undefined ? `none ${s.station.id}` : `${place} ${address ?? ''}`
    let entry = places.get(key)
    if (entry === undefined) places.set(key, (entry = { ...(place === undefined ? {} : { place }), ...(address === undefined || address === place ? {} : { address }), stations: [] }))
    entry.stations.push({ name: stationLabel(s), page: stationPage(s) })
  }
  return [...places.values()]
}

export function renderStreets(c: FinderCommune, depName: string): string {
  const root = rootOf(3)
  const letters = new Map<string, object[]>()
  for (const street of c.streets) {
    const rows =
      street.runs.length === 0
        ? street.stations.map((i) => ({ numbers: street.stations.length === 1 ? 'toute la rue' : 'sans numéro connu', station: i }))
        : street.runs.map((r) => ({ numbers: describeRun(r), station: r[3] }))
    const letter = street.key[0]?.toUpperCase() ?? '#'
    const view = {
      rows: rows.map((r, i) => {
        const s = c.stations[r.station] as FinderStation
        return { first: i === 0, span: rows.length, street: street.name, numbers: r.numbers, station: stationLabel(s), page: stationPage(s), root }
      }),
    }
    letters.set(letter, [...(letters.get(letter) ?? []), view])
  }
  return render('streets', {
    title: `Rues de ${c.name}`,
    root,
    breadcrumb: crumbs(3, { href: `${root}departement/${c.departement}/`, label: depName }, { href: '../', label: c.name }),
    name: c.name,
    letters: [...letters].sort(([a], [b]) => a.localeCompare(b)).map(([letter, streets]) => ({ letter, streets })),
  })
}

export function renderStation(s: FinderStation, c: FinderCommune, depName: string): string {
  const root = rootOf(2)
  const p = s.place
  const sharing = p === undefined ? [] : c.stations.filter((o) => o !== s && o.place !== undefined && o.place.address === p.address && o.place.place === p.place)
  const hasPoint = p?.lat !== undefined && p.lon !== undefined
  return render('station', {
    title: `${stationLabel(s)}, ${c.name}`,
    breadcrumb: crumbs(2, { href: `${root}departement/${c.departement}/`, label: depName }, { href: `${root}commune/${c.code}/`, label: c.name }),
    root,
    stationName: stationLabel(s),
    communeName: c.name,
    place: p?.place ?? s.station.address,
    address: p === undefined ? undefined : addressLine(p.address, p.postcode),
    hours: c.hours,
    map: hasPoint ? { osm: `https://www.openstreetmap.org/?mlat=${p.lat}&mlon=${p.lon}#map=18/${p.lat}/${p.lon}`, geo: `geo:${p.lat},${p.lon}` } : undefined,
    accessibility: p?.accessible === undefined ? undefined : p.accessible ? 'accessible aux personnes à mobilité réduite' : 'non accessible aux personnes à mobilité réduite (signalez-vous à la mairie)',
    others: sharing.map((o) => ({ name: stationLabel(o), page: stationPage(o) })),
    // The results site's station page (publish): same host, outside finder/.
    results: `${rootOf(3)}commune/${c.code}/bureau/${s.station.code}/`,
  })
}
