// The search page's behaviour: reads the form, fetches at most two shards, and shows the answer.
// Everything it knows comes from finder-lookup.js; this file only talks to the DOM and the network.
// Text is set with textContent, never parsed as HTML.
import {
  communesOfShard,
  describeRun,
  firstShardPath,
  geoTilePath,
  locate,
  lookupAddress,
  matchCommuneNames,
  parseQuery,
  communesForQuery,
} from './finder-lookup.js'

const form = document.getElementById('search')
const input = document.getElementById('q')
const answer = document.getElementById('answer')
const locateButton = document.getElementById('locate')

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag)
  if (text !== undefined) node.textContent = text
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  return node
}

/** Appends `child` to `parent` and returns the child (Element.append returns nothing). */
function add(parent, child) {
  parent.append(child)
  return child
}

function link(text, href) {
  return el('a', text, { href })
}

async function fetchJson(path) {
  const response = await fetch(path)
  if (response.status === 404) return undefined
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  return response.json()
}

function show(...nodes) {
  answer.replaceChildren(...nodes)
}

function stationItem(station) {
  const li = el('li')
  li.append(link(station.name, station.page))
  if (station.place) li.append(` — ${station.place}${station.address ? `, ${station.address}` : ''}`)
  return li
}

function communeSection(commune) {
  const section = el('section')
  section.append(el('h2', `${commune.name} — ${commune.stations.length} bureau${commune.stations.length > 1 ? 'x' : ''}`))
  if (commune.stations.length > 1) {
    section.append(
      el('p', commune.hasAddresses
        ? 'Ajoutez votre adresse (numéro et rue) pour trouver votre bureau, ou consultez la liste des rues.'
        : 'Nous n’avons pas la répartition des adresses entre les bureaux : votre bureau est indiqué sur votre carte électorale. Voici tous les bureaux.'),
    )
    if (commune.hasAddresses) add(section, el('p')).append(link('Liste des rues', `commune/${commune.code}/rues/`))
  }
  const list = el('ul')
  for (const s of commune.stations) list.append(stationItem(s))
  section.append(list)
  return section
}

function addressSections(answers, query) {
  return answers.map((a) => {
    const section = el('section')
    section.append(el('h2', `${query.number ?? ''} ${a.street.name}, ${a.commune.name}`.trim()))
    const stations = a.stations.map((i) => a.commune.stations[i])
    if (a.definite) {
      section.append(el('p', 'Votre bureau de vote :'))
    } else {
      const why = {
        'number-shared': 'Ce numéro est partagé entre plusieurs bureaux (un immeuble partagé) : votre carte électorale indique le vôtre.',
        'number-unknown': 'Ce numéro n’est pas dans nos données ; les bureaux des numéros voisins, du même côté de la rue :',
        'street-split': 'Cette rue est partagée entre plusieurs bureaux, selon le numéro et le côté (pairs / impairs) :',
      }[a.reason]
      section.append(el('p', why))
      const table = el('ul')
      for (const r of a.runs) table.append(el('li', `${describeRun(r)} → ${a.commune.stations[r[3]].name}`))
      if (a.runs.length > 0) section.append(table)
      section.append(el('p', 'Bureaux possibles :'))
    }
    const list = el('ul')
    for (const s of stations) list.append(stationItem(s))
    section.append(list)
    return section
  })
}

async function search(text) {
  const query = parseQuery(text)
  const first = firstShardPath(query)
  if (first === undefined) return show(el('p', 'Saisissez une adresse, un code postal ou une commune.'))
  show(el('p', 'Recherche…'))
  let communes
  if (query.postcode !== undefined) {
    const shard = await fetchJson(first)
    if (shard === undefined) return show(el('p', `Aucune commune de nos données n’a le code postal ${query.postcode}.`))
    communes = shard.communes
  } else {
    const names = await fetchJson(first)
    const matches = names === undefined ? [] : matchCommuneNames(names, query.commune)
    if (matches.length === 0) return show(el('p', `Aucune commune ne s’appelle « ${query.commune} » dans nos données.`))
    if (matches.length > 1) {
      const list = el('ul')
      for (const m of matches) add(list, el('li')).append(link(`${m.name} (${m.dep})`, m.page))
      return show(el('p', 'Plusieurs communes correspondent :'), list)
    }
    communes = communesOfShard(await fetchJson(matches[0].shard), matches[0])
  }
  if (query.street !== '') {
    const answers = lookupAddress(communes, query)
    if (answers.length > 0) return show(...addressSections(answers, query))
    const named = communesForQuery(communes, query)
    return show(el('p', `Rue « ${query.street} » introuvable dans nos données pour ${named.map((c) => c.name).join(', ')}.`), ...named.map(communeSection))
  }
  show(...communesForQuery(communes, query).map(communeSection))
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  search(input.value).catch((err) => show(el('p', `La recherche a échoué (${err.message}). Réessayez, ou choisissez votre département ci-dessous.`)))
})

async function nearMe(lat, lon) {
  const tile = await fetchJson(geoTilePath(lat, lon))
  if (tile === undefined) return show(el('p', 'Nous n’avons pas de lieu de vote localisé près de vous. Cherchez par adresse ou par commune.'))
  const { area, nearest } = locate(tile, lat, lon)
  const nodes = []
  if (area !== undefined) {
    const section = el('section', undefined, { id: 'area-answer' })
    section.append(el('h2', 'Le secteur où vous êtes'))
    section.append(el('p', `Les électeurs inscrits à cette adresse votent au ${area.station.name} (${area.station.commune}) :`))
    add(section, el('p')).append(link(area.station.name, area.station.page))
    nodes.push(section)
  }
  if (nearest.length > 0) {
    const section = el('section')
    section.append(el('h2', 'Lieux de vote les plus proches'))
    if (area === undefined) section.append(el('p', 'Le plus proche n’est pas forcément le vôtre : votre bureau dépend de votre adresse d’inscription.'))
    const list = el('ul')
    for (const { place, metres } of nearest) {
      const li = el('li', `${place.place}, ${place.address} (${place.commune}) — ${metres} m : `)
      place.stations.forEach((s, i) => li.append(i > 0 ? ', ' : '', link(s.name, s.page)))
      list.append(li)
    }
    section.append(list)
    nodes.push(section)
  }
  show(...(nodes.length > 0 ? nodes : [el('p', 'Aucun lieu de vote connu près de vous.')]))
}

if ('geolocation' in navigator) {
  locateButton.hidden = false
  locateButton.addEventListener('click', () => {
    show(el('p', 'Localisation…'))
    navigator.geolocation.getCurrentPosition(
      (pos) => nearMe(pos.coords.latitude, pos.coords.longitude).catch((err) => show(el('p', `La recherche a échoué (${err.message}).`))),
      () => show(el('p', 'Votre position n’est pas disponible (refusée ou introuvable). Cherchez par adresse.')),
      { enableHighAccuracy: true, timeout: 15000 },
    )
  })
}
