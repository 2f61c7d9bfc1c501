// sitemap.xml (sitemaps.org protocol 0.9): a sitemap index pointing at sitemaps/areas-N.xml, each
// of at most 50,000 URLs as the protocol requires (France: about 36,000 area pages and 70,000
// station pages, each in French and English, so a few files). Every page is listed: areas, their
// stations, the contests of a several-contest election, each in both languages. URLs are absolute,
// built from the public site URL. lastmod is a page's latest validation time (a contest page has
// none: it is not tracked per contest), left out under embargo (it would tell that counting began).
import type { AreaNode } from '../core/area-tree.js'
import { areaPath, contestPath, stationPath } from './area-document.js'
import { HTML_FILE, PAGE_LANGS } from './page-labels.js'
import type { TallyTree } from './tally-tree.js'
import { ReleasableText } from './releasable-text.js'
import { escapeXml, siteBase } from './xml-text.js'

export const SITEMAP_KEY = 'sitemap.xml'
const URLS_PER_SITEMAP = 50_000

export interface SitemapFile {
  key: string
  /** Handed over to a writer thread (ReleasableText). */
  body: Buffer
}

const URLSET_OPEN = '<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
const URLSET_CLOSE = '\n</urlset>\n'

export function renderSitemaps(tallies: TallyTree, siteUrl: string, embargoed: boolean): SitemapFile[] {
  const base = siteBase(siteUrl)
  const files: SitemapFile[] = []
  // The file being written and its URL count; each URL goes straight into its file's bytes.
  let current: ReleasableText | undefined
  let urls = 0
  const closeCurrent = () => {
    if (!current) return
    current.write(URLSET_CLOSE)
    files.push({ key: `sitemaps/areas-${files.length + 1}.xml`, body: current.finish() })
    current = undefined
  }
  const add = (url: string) => {
    if (current && urls === URLS_PER_SITEMAP) closeCurrent()
    if (!current) {
      current = new ReleasableText()
      current.write(URLSET_OPEN)
      urls = 0
    } else current.write('\n')
    current.write(url)
    urls++
  }
  add(`<url><loc>${escapeXml(`${base}/corrections/`)}</loc></url>`)
  /** A page's folder in each language: the French page is the folder's index.html. */
  const page = (dir: string, updatedAtMs: number | undefined) => {
    const lastmod = embargoed || updatedAtMs === undefined ? '' : `<lastmod>${new Date(updatedAtMs).toISOString()}</lastmod>`
    for (const lang of PAGE_LANGS) add(`<url><loc>${escapeXml(`${base}/${dir}${lang === 'fr' ? '' : HTML_FILE[lang]}`)}</loc>${lastmod}</url>`)
  }
  const visit = (node: AreaNode) => {
    if (node.area.level === 'station') return
    page(areaPath(node), tallies.tallyOf(node).updatedAtMs)
    if (node.area.level === 'commune') for (const station of tallies.stationsOf(node)) page(stationPath(node, station), stationValidatedAtMs(tallies, station.id))
    node.children.forEach(visit)
  }
  visit(tallies.tree.root)
  const contests = tallies.definition.election.contests
  if (contests.length > 1) for (const contest of contests) page(contestPath(contest), undefined)
  closeCurrent()
  const index = files.map((f) => `<sitemap><loc>${escapeXml(`${base}/${f.key}`)}</loc></sitemap>`)
  files.push({
    key: SITEMAP_KEY,
    body: Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${index.join('\n')}\n</sitemapindex>\n`),
  })
  return files
}

/** The latest validation time of a station's results, any contest; undefined before its first. */
function stationValidatedAtMs(tallies: TallyTree, stationId: string): number | undefined {
  let latest: number | undefined
  for (const contestId of tallies.contestsCovering(stationId)) {
    const r = tallies.resultOf(contestId, stationId)
    if (r && (latest === undefined || Date.parse(r.validatedAt) > latest)) latest = Date.parse(r.validatedAt)
  }
  return latest
}
