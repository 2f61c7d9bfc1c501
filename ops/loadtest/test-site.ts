// The load benchmark's site: a national page, every département and N communes laid out as the
// publisher lays them out (index.html + index.json per area folder, status.json, .gz and .br
// siblings written before the file, each by temporary file + rename), with page sizes of the
// order of the real ones; the Zipf URL mix readers request; and the republishing the
// benchmark runs every second (rewrite a few pages, purge them).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

/** Départements: 01–95 (2A, 2B for Corsica, no 20) and the five overseas ones. */
const DEPARTEMENTS = [
  ...Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).filter((code) => code !== '20'),
  '2A', '2B', '971', '972', '973', '974', '976',
]
const CANDIDATES = ['ARTHAUD', 'ROUSSEL', 'MACRON', 'LASSALLE', 'LE PEN', 'ZEMMOUR', 'MÉLENCHON', 'HIDALGO', 'JADOT', 'PÉCRESSE', 'POUTOU', 'DUPONT-AIGNAN']

export interface TestSite {
  departements: string[]
  communes: string[]
  /** Every page's URL path, once (what pre-warming requests). */
  allPaths(): string[]
  /** URL paths readers request, `count` of them, drawn from the mix (national heavy, Zipf below). */
  urlMix(count: number): string[]
  /** Rewrites the national page and a few Zipf-drawn areas; returns the paths to purge. */
  republish(): string[]
}

/** Ranks 1..n drawn with probability ∝ 1/rank (Zipf, s = 1): a few areas get most readers. */
function zipfSampler(n: number): () => number {
  const cumulative = new Float64Array(n)
  let sum = 0
  for (let rank = 1; rank <= n; rank++) cumulative[rank - 1] = sum += 1 / rank
  return () => {
    const target = Math.random() * sum
    let low = 0
    let high = n - 1
    while (low < high) {
      const mid = (low + high) >> 1
      if ((cumulative[mid] ?? 0) < target) low = mid + 1
      else high = mid
    }
    return low
  }
}

function results(version: number, voters: number): string {
  let left = voters
  return CANDIDATES.map((name, i) => {
    const votes = i === CANDIDATES.length - 1 ? left : Math.floor(left * Math.random() * 0.4)
    left -= votes
    return `<tr><td>${name}</td><td>${votes}</td><td>${((100 * votes) / voters).toFixed(2)} %</td><td>v${version}</td></tr>`
  }).join('\n')
}

function areaPage(title: string, version: number, rows: number): { html: string; json: string } {
  const voters = 1000 + Math.floor(Math.random() * 1e6)
  const children = Array.from({ length: rows }, (_, i) => `<li><a href="../${i}/">Zone ${i}</a> ${Math.floor(Math.random() * 1e5)} votants</li>`).join('\n')
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title><style>table{border-collapse:collapse}td{padding:.2rem}</style></head>
<body><h1>${title}</h1><p>Version ${version}, ${voters} votants</p><table>${results(version, voters)}</table><ul>${children}</ul></body></html>\n`
  const json = JSON.stringify({ area: title, version, voters, candidates: CANDIDATES.map((name) => ({ name, votes: Math.floor(Math.random() * voters) })) })
  return { html, json }
}

/** Writes a file the way the publisher does: .br and .gz siblings first, each by rename. */
function publishFile(root: string, path: string, body: string): void {
  const file = join(root, path)
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 })
  const data = Buffer.from(body)
  const variants: Array<[string, Buffer]> = [
    [`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })],
    [`${file}.gz`, gzipSync(data, { level: 6 })],
    [file, data],
  ]
  for (const [target, bytes] of variants) {
    const temporary = join(dirname(target), `.tmp-${process.pid}`)
    writeFileSync(temporary, bytes, { mode: 0o644 })
    renameSync(temporary, target)
  }
}

function publishArea(root: string, folder: string, title: string, version: number, rows: number): void {
  const page = areaPage(title, version, rows)
  publishFile(root, `${folder}index.json`, page.json)
  publishFile(root, `${folder}index.html`, page.html)
}

/** Writes the whole site into `root` (an empty folder) and returns it. */
export function writeTestSite(root: string, communeCount: number): TestSite {
  const communes = Array.from({ length: communeCount }, (_, i) => {
    const departement = DEPARTEMENTS[i % DEPARTEMENTS.length] ?? '75'
    return `${departement}${String(Math.floor(i / DEPARTEMENTS.length) + 1).padStart(3, '0')}`
  })
  let version = 1
  const publishNational = (): void => {
    publishArea(root, '/', 'France', version, DEPARTEMENTS.length)
    publishFile(root, '/status.json', JSON.stringify({ version, at: new Date().toISOString() }))
  }
  publishNational()
  for (const code of DEPARTEMENTS) publishArea(root, `/departement/${code}/`, `Département ${code}`, version, 120)
  for (const code of communes) publishArea(root, `/commune/${code}/`, `Commune ${code}`, version, 8)

  const departementRank = zipfSampler(DEPARTEMENTS.length)
  const communeRank = zipfSampler(communes.length)
  const departementFolder = (): string => `/departement/${DEPARTEMENTS[departementRank()]}/`
  const communeFolder = (): string => `/commune/${communes[communeRank()]}/`
  return {
    departements: DEPARTEMENTS,
    communes,
    allPaths() {
      const folders = ['/', ...DEPARTEMENTS.map((code) => `/departement/${code}/`), ...communes.map((code) => `/commune/${code}/`)]
      return folders.flatMap((folder) => [folder, `${folder}index.json`]).concat('/status.json')
    },
    urlMix(count) {
      // Shares of requests: the national page and status 40 %, départements 25 %, communes 35 %;
      // HTML four times as often as JSON.
      return Array.from({ length: count }, () => {
        const draw = Math.random()
        if (draw < 0.25) return '/'
        if (draw < 0.3) return '/index.json'
        if (draw < 0.4) return '/status.json'
        if (draw < 0.6) return departementFolder()
        if (draw < 0.65) return `${departementFolder()}index.json`
        if (draw < 0.93) return communeFolder()
        return `${communeFolder()}index.json`
      })
    },
    republish() {
      version++
      publishNational()
      const folders = new Set(['/'])
      for (let i = 0; i < 5; i++) folders.add(departementFolder())
      for (let i = 0; i < 20; i++) folders.add(communeFolder())
      for (const folder of folders) {
        if (folder !== '/') publishArea(root, folder, folder, version, 8)
      }
      // As the publisher purges: each file's path, and a folder for its index.html.
      return [...folders].flatMap((folder) => [folder, `${folder}index.json`]).concat('/status.json')
    },
  }
}
