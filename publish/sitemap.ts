// sitemap.xml (sitemaps.org protocol 0.9): a sitemap index pointing at sitemaps/areas-N.xml, each
// of at most 50,000 URLs as the protocol requires (France has about 36,000 area pages; station
// pages would take it past one file). URLs are absolute, built from the public site URL. lastmod is
// an area's latest validation time, left out under embargo (it would tell that counting began).
import { areaPath } from './area-document.js'
import type { TallyTree } from './tally-tree.js'
import { escapeXml, siteBase } from './xml-text.js'

export const SITEMAP_KEY = 'sitemap.xml'
const URLS_PER_SITEMAP = 50_000

export interface SitemapFile {
  key: string
  body: string
}

export function renderSitemaps(tallies: TallyTree, siteUrl: string, embargoed: boolean): SitemapFile[] {
  const base = siteBase(siteUrl)
  const urls: string[] = [`<url><loc>${escapeXml(`${base}/corrections/`)}</loc></url>`]
  const visit = (node: TallyTree['tree']['root']) => {
    if (node.area.level === 'station') return
    const updatedAtMs = tallies.tallyOf(node).updatedAtMs
    const lastmod = embargoed || updatedAtMs === undefined ? '' : `<lastmod>${new Date(updatedAtMs).toISOString()}</lastmod>`
    urls.push(`<url><loc>${escapeXml(`${base}/${areaPath(node)}`)}</loc>${lastmod}</url>`)
    node.children.forEach(visit)
  }
  visit(tallies.tree.root)
  const files: SitemapFile[] = []
  for (let i = 0; i < urls.length; i += URLS_PER_SITEMAP) {
    const chunk = urls.slice(i, i + URLS_PER_SITEMAP)
    files.push({
      key: `sitemaps/areas-${files.length + 1}.xml`,
      body: `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${chunk.join('\n')}\n</urlset>\n`,
    })
  }
  const index = files.map((f) => `<sitemap><loc>${escapeXml(`${base}/${f.key}`)}</loc></sitemap>`)
  files.push({
    key: SITEMAP_KEY,
    body: `<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${index.join('\n')}\n</sitemapindex>\n`,
  })
  return files
}
