// Every word the public pages print, in French (the default, `index.html`) and English (the
// `index.en.html` sibling in the same folder). Templates hold no text of their own: a label missing
// in one language is a type error, not an untranslated page.
import { formatCountFr, formatShareEn, formatShareFr } from '../core/counts.js'
import type { AreaLevel } from '../core/schemas.js'

export const PAGE_LANGS = ['fr', 'en'] as const
export type PageLang = (typeof PAGE_LANGS)[number]

/** The HTML file of a page in each language; both sit in the area's folder beside index.json. */
export const HTML_FILE: Record<PageLang, string> = { fr: 'index.html', en: 'index.en.html' }

export interface CandidateLead {
  name: string
  share: number
}

export interface Labels {
  lang: PageLang
  otherLang: { lang: PageLang; name: string; file: string }
  count(n: number): string
  share(p: number): string
  /** Results are read in metropolitan France's time, whatever the server's zone. */
  dateTime(iso: string): string
  level: Record<AreaLevel, string>
  children: Record<AreaLevel, string>
  country: string
  breadcrumb: string
  progress(reported: number, total: number, registeredCovered: number): string
  snapshot(n: string, time: string): string
  noResultYet: string
  /** One sentence for screen readers and low bandwidth: who leads, how much is counted. */
  summary(place: string, progress: string, lead: CandidateLead | undefined, runnerUp: CandidateLead | undefined, turnout: number): string
  candidate: string
  party: string
  votes: string
  ofValid: string
  turnout: string
  figure: string
  ofRegistered: string
  ofVoters: string
  registered: string
  voters: string
  blank: string
  invalid: string
  valid: string
  votesCaption(contest: string): string
  turnoutCaption(contest: string): string
  chartTitle(contest: string, place: string): string
  chartDesc: string
  stationsHeading: string
  stationsCaption(contest: string): string
  station: string
  state: string
  stateAwaiting: string
  stateWithdrawn: string
  stateValidated: string
  contestsHeading: string
  contestsCaption(place: string): string
  contest: string
  contestPage: string
  areasCaption(contest: string): string
  area: string
  stationsCounted: string
  stationsOf(reported: string, total: string): string
  validatedAt: string
  version: string
  scanHeading: string
  scanSha: string
  scanLink: string
  scanNotPublished: string
  scanNone: string
  withdrawnNote: string
  awaitingNote: string
  mapTitle(contest: string): string
  mapDesc: string
  mapLegend: string
  mapNoResult: string
  mapLeaderCaption: string
  leader: string
  departementsLed: string
  data: string
  live: string
  timeZoneNote: string
  /** Pages under embargo (embargo.ts): the sentence around the time results appear, and headings. */
  embargo: { before: string; after: string; candidates: string; areas: string }
}

const DATE_TIME_FR = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'medium' })
const DATE_TIME_EN = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'medium' })

const formatCountEn = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

const FR: Labels = {
  lang: 'fr',
  otherLang: { lang: 'en', name: 'English', file: HTML_FILE.en },
  count: formatCountFr,
  share: formatShareFr,
  dateTime: (iso) => DATE_TIME_FR.format(new Date(iso)),
  level: { country: 'France entière', region: 'Région', departement: 'Département', commune: 'Commune', station: 'Bureau de vote' },
  children: { country: 'Régions', region: 'Départements', departement: 'Communes', commune: 'Bureaux de vote', station: '' },
  country: 'France entière',
  breadcrumb: 'Fil d’Ariane',
  progress(reported, total, covered) {
    // "1 bureau sur 3 dépouillé", "2 bureaux sur 3 dépouillés": the words agree with the first number.
    const bureaux = reported <= 1 ? 'bureau' : 'bureaux'
    const counted = reported <= 1 ? 'dépouillé' : 'dépouillés'
    return `${formatCountFr(reported)} ${bureaux} sur ${formatCountFr(total)} ${counted} (${formatShareFr(covered)} des inscrits)`
  },
  snapshot: (n, time) => `Instantané n°\u00a0${n}, mis à jour le ${time} (heure de Paris).`,
  noResultYet: 'Aucun résultat n’est encore publié pour cette zone.',
  summary(place, progress, lead, runnerUp, turnout) {
    if (!lead) return `${place} : aucun résultat pour l’instant ; ${progress}.`
    const second = runnerUp ? ` devant ${runnerUp.name} (${formatShareFr(runnerUp.share)})` : ''
    return `${place} : ${lead.name} arrive en tête avec ${formatShareFr(lead.share)} des suffrages exprimés${second} ; participation ${formatShareFr(turnout)} ; ${progress}.`
  },
  candidate: 'Candidat',
  party: 'Nuance',
  votes: 'Voix',
  ofValid: '% des exprimés',
  turnout: 'Participation',
  figure: 'Nombre',
  ofRegistered: '% des inscrits',
  ofVoters: '% des votants',
  registered: 'Inscrits',
  voters: 'Votants',
  blank: 'Blancs',
  invalid: 'Nuls',
  valid: 'Exprimés',
  votesCaption: (c) => `Voix par candidat — ${c}`,
  turnoutCaption: (c) => `Participation — ${c}`,
  chartTitle: (c, place) => `Part des suffrages exprimés par candidat — ${c}, ${place}`,
  chartDesc: 'Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».',
  stationsHeading: 'Résultats par bureau de vote',
  stationsCaption: (c) => `Bureaux de vote — ${c}`,
  station: 'Bureau',
  state: 'État',
  stateAwaiting: 'en attente',
  stateWithdrawn: 'retiré',
  stateValidated: 'dépouillé',
  contestsHeading: 'Scrutins',
  contestsCaption: (place) => `Scrutins — ${place}`,
  contest: 'Scrutin',
  contestPage: 'Page du scrutin',
  areasCaption: (c) => `Communes du scrutin — ${c}`,
  area: 'Zone',
  stationsCounted: 'Bureaux dépouillés',
  stationsOf: (r, t) => `${r} sur ${t}`,
  validatedAt: 'Validé le',
  version: 'Version',
  scanHeading: 'Procès-verbal',
  scanSha: 'Empreinte SHA-256 du scan du procès-verbal',
  scanLink: 'Voir le scan du procès-verbal',
  scanNotPublished: 'Le scan n’est pas publié sur ce site ; son empreinte permet de vérifier une copie.',
  scanNone: 'Aucun scan du procès-verbal n’accompagne ce résultat.',
  withdrawnNote: 'Le résultat de ce bureau a été retiré et n’est plus compté.',
  awaitingNote: 'Ce bureau n’a pas encore de résultat validé.',
  mapTitle: (c) => `Carte des départements selon le candidat en tête — ${c}`,
  mapDesc: 'Chaque département est coloré selon le candidat arrivé en tête ; gris : pas encore de résultat. Le tableau qui suit donne les mêmes informations.',
  mapLegend: 'Légende',
  mapNoResult: 'Pas encore de résultat',
  mapLeaderCaption: 'Candidat en tête par département',
  leader: 'En tête',
  departementsLed: 'Départements en tête',
  data: 'Données\u00a0:',
  live: 'Les chiffres se mettent à jour automatiquement.',
  timeZoneNote: 'heure de Paris',
  embargo: {
    before: 'Les résultats seront publiés à partir du ',
    after: ' (heure de Paris), à la fermeture des derniers bureaux de vote.',
    candidates: 'Candidats',
    areas: 'Zones',
  },
}

const EN: Labels = {
  lang: 'en',
  otherLang: { lang: 'fr', name: 'Français', file: HTML_FILE.fr },
  count: formatCountEn,
  share: formatShareEn,
  dateTime: (iso) => DATE_TIME_EN.format(new Date(iso)),
  level: { country: 'All of France', region: 'Region', departement: 'Département', commune: 'Commune', station: 'Polling station' },
  children: { country: 'Regions', region: 'Départements', departement: 'Communes', commune: 'Polling stations', station: '' },
  country: 'All of France',
  breadcrumb: 'Breadcrumb',
  progress(reported, total, covered) {
    const stations = total === 1 ? 'station' : 'stations'
    return `${formatCountEn(reported)} of ${formatCountEn(total)} polling ${stations} counted (${formatShareEn(covered)} of registered voters)`
  },
  snapshot: (n, time) => `Snapshot no. ${n}, updated ${time} (Paris time).`,
  noResultYet: 'No result has been published for this area yet.',
  summary(place, progress, lead, runnerUp, turnout) {
    if (!lead) return `${place}: no result yet; ${progress}.`
    const second = runnerUp ? ` ahead of ${runnerUp.name} (${formatShareEn(runnerUp.share)})` : ''
    return `${place}: ${lead.name} leads with ${formatShareEn(lead.share)} of valid votes${second}; turnout ${formatShareEn(turnout)}; ${progress}.`
  },
  candidate: 'Candidate',
  party: 'Party',
  votes: 'Votes',
  ofValid: '% of valid votes',
  turnout: 'Turnout',
  figure: 'Number',
  ofRegistered: '% of registered',
  ofVoters: '% of voters',
  registered: 'Registered',
  voters: 'Voters',
  blank: 'Blank',
  invalid: 'Invalid',
  valid: 'Valid',
  votesCaption: (c) => `Votes per candidate — ${c}`,
  turnoutCaption: (c) => `Turnout — ${c}`,
  chartTitle: (c, place) => `Share of valid votes per candidate — ${c}, ${place}`,
  chartDesc: 'Bar chart; the same figures are in the table “Votes per candidate”.',
  stationsHeading: 'Results per polling station',
  stationsCaption: (c) => `Polling stations — ${c}`,
  station: 'Station',
  state: 'Status',
  stateAwaiting: 'awaiting',
  stateWithdrawn: 'withdrawn',
  stateValidated: 'counted',
  contestsHeading: 'Contests',
  contestsCaption: (place) => `Contests — ${place}`,
  contest: 'Contest',
  contestPage: 'Contest page',
  areasCaption: (c) => `Communes of the contest — ${c}`,
  area: 'Area',
  stationsCounted: 'Stations counted',
  stationsOf: (r, t) => `${r} of ${t}`,
  validatedAt: 'Validated',
  version: 'Version',
  scanHeading: 'Tally sheet',
  scanSha: 'SHA-256 of the tally sheet scan',
  scanLink: 'See the tally sheet scan',
  scanNotPublished: 'The scan is not published on this site; its digest lets anyone check a copy.',
  scanNone: 'No tally sheet scan came with this result.',
  withdrawnNote: 'This station’s result was withdrawn and no longer counts.',
  awaitingNote: 'This station has no validated result yet.',
  mapTitle: (c) => `Map of départements by leading candidate — ${c}`,
  mapDesc: 'Each département is coloured by its leading candidate; grey: no result yet. The table below gives the same information.',
  mapLegend: 'Legend',
  mapNoResult: 'No result yet',
  mapLeaderCaption: 'Leading candidate per département',
  leader: 'Leading',
  departementsLed: 'Départements led',
  data: 'Data:',
  live: 'Figures update automatically.',
  timeZoneNote: 'Paris time',
  embargo: {
    before: 'Results will be published from ',
    after: ' (Paris time), when the last polling stations close.',
    candidates: 'Candidates',
    areas: 'Areas',
  },
}

export const LABELS: Record<PageLang, Labels> = { fr: FR, en: EN }
