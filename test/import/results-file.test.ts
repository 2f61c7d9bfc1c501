import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import t from 'tap'
import { checkReturn, hasErrors } from '../../core/checks.js'
import { ElectionDefinitionSchema } from '../../core/schemas.js'
import { ResultsFileError, readResultsFile, type ImportedElection } from '../../bin/import/results-file.js'
import { SNIFF_BYTES } from '../../bin/import/file-bytes.js'

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/results')
const WIDE = path.join(FIXTURES, '2017-presidentielle-1-extrait_large.csv')
const OFFICIAL = path.join(FIXTURES, 'PR17_BVot_T1_extrait.txt')
const FIXTURE_ROWS = 30

/** Station id → counts, the part of an import both layouts must agree on. */
function countsByStation(imported: ImportedElection): Record<string, unknown> {
  return Object.fromEntries(imported.returns.map((r) => [r.stationId, r.counts]))
}

t.test('the wide layout: areas, stations, candidates and election defaults', async (t) => {
  const imported = await readResultsFile(WIDE)
  const { definition } = imported
  t.equal(imported.layout, 'wide')
  t.same(imported.warnings, [])
  t.equal(imported.returns.length, FIXTURE_ROWS)
  ElectionDefinitionSchema.parse(definition)

  t.match(definition.election, {
    id: '2017-presidentielle-1-extrait_large',
    name: 'Élection présidentielle 2017 — 1er tour',
    round: 1,
    pollsCloseAt: '2017-04-23T18:00:00Z',
    policy: { mode: 'auto', autoAcknowledgeWarnings: true },
  })
  const [contest] = definition.election.contests
  t.equal(definition.election.contests.length, 1)
  t.match(contest, { id: 'pres', seats: 1 })
  t.equal(contest?.stationIds, undefined, 'the contest covers every station')
  const byId = new Map(contest?.candidates.map((c) => [c.id, c]))
  t.equal(byId.size, 11)
  t.match(byId.get('LE-PEN'), { ballot: 8, name: 'Le Pen' })
  t.match(byId.get('MELENCHON'), { ballot: 10, name: 'Mélenchon' })
  t.match(byId.get('DUPONT-AIGNAN'), { ballot: 4, name: 'Dupont-Aignan' })
  t.match(byId.get('ARTHAUD'), { ballot: 1, name: 'Arthaud' })

  const areas = new Map(definition.areas.map((a) => [`${a.level}:${a.code}`, a]))
  t.match(areas.get('country:FR'), { name: 'France' })
  t.match(areas.get('region:11'), { name: 'Île-de-France', parent: 'FR' })
  t.match(areas.get('departement:2A'), { name: 'Corse-du-Sud', parent: '94' })
  t.match(areas.get('departement:ZZ'), { name: 'Français établis hors de France', parent: 'FE' })
  t.match(areas.get('commune:75056'), { name: 'Paris', parent: '75' })
  t.match(areas.get('commune:ZA101'), { name: 'Les Abymes', parent: 'ZA' })
  t.match(areas.get('commune:ZZ068'), { name: 'Douchanbe', parent: 'ZZ' })
  t.match(areas.get('commune:01004'), { name: 'Ambérieu-en-Bugey', parent: '01' })

  const stations = new Map(definition.stations.map((s) => [s.id, s]))
  t.same(stations.get('75056-0101'), { id: '75056-0101', code: '0101', name: 'Bureau 0101', commune: '75056', registered: 1079 })
  t.match(stations.get('14118-01_1'), { code: '01.1', name: 'Bureau 01.1', commune: '14118' }, 'Caen numbers bureaux "01.1"')
  t.match(stations.get('25147-BV01'), { code: 'BV01' })
  t.match(stations.get('ZZ068-0001'), { registered: 0 })

  const paris = imported.returns.find((r) => r.stationId === '75056-0101')
  // 75,056,0101,1,Paris,1079,926,6,914,3,10,3,17,295,62,3,49,348,121,3
  t.same(paris, {
    stationId: '75056-0101',
    contestId: 'pres',
    line: 15,
    counts: {
      registered: 1079, voters: 926, blank: 6, invalid: 6, valid: 914,
      votes: {
        ARTHAUD: 3, ASSELINEAU: 10, CHEMINADE: 3, 'DUPONT-AIGNAN': 17, FILLON: 295, HAMON: 62,
        LASSALLE: 3, 'LE-PEN': 49, MACRON: 348, MELENCHON: 121, POUTOU: 3,
      },
    },
  })
})

t.test('every imported return passes the checks without errors', async (t) => {
  const imported = await readResultsFile(WIDE)
  const stations = new Map(imported.definition.stations.map((s) => [s.id, s]))
  const candidates = imported.definition.election.contests[0]?.candidates ?? []
  for (const r of imported.returns) {
    const station = stations.get(r.stationId)
    if (station === undefined) t.fail(`no station ${r.stationId}`)
    else t.notOk(hasErrors(checkReturn(r.counts, { station, candidates })), r.stationId)
  }
})

t.test('the official layout (Latin-1, ";", candidate blocks) gives the same election as the wide one', async (t) => {
  const wide = await readResultsFile(WIDE)
  const official = await readResultsFile(OFFICIAL)
  t.equal(official.layout, 'official')
  t.same(official.warnings, [])
  t.same(official.definition.areas, wide.definition.areas, 'same areas, commune names decoded from Latin-1')
  t.same(official.definition.stations, wide.definition.stations, 'unpadded commune codes are padded')
  t.same(countsByStation(official), countsByStation(wide))
  t.same(official.returns.map((r) => r.line), wide.returns.map((r) => r.line))
  const ids = (i: ImportedElection): string[] => (i.definition.election.contests[0]?.candidates ?? []).map((c) => c.id).sort()
  t.same(ids(official), ids(wide))
  // The official file has first names and the real ballot (panneau) order.
  const candidates = official.definition.election.contests[0]?.candidates ?? []
  t.match(candidates[0], { id: 'DUPONT-AIGNAN', ballot: 1, name: 'Nicolas Dupont-Aignan' })
  t.match(candidates[1], { id: 'LE-PEN', ballot: 2, name: 'Marine Le Pen' })
  t.match(candidates[8], { id: 'MELENCHON', ballot: 9, name: 'Jean-Luc Mélenchon' })
  t.match(official.definition.election, { id: 'pr17_bvot_t1_extrait', round: 1, pollsCloseAt: '2017-04-23T18:00:00Z' })
})

t.test('gzip is recognised by its magic bytes, whatever the file is called', async (t) => {
  const dir = t.testdir()
  const plain = await readFile(WIDE)
  const gzipped = path.join(dir, 'results.dat')
  const misnamed = path.join(dir, 'results.csv.gz')
  await writeFile(gzipped, gzipSync(plain))
  await writeFile(misnamed, plain)
  const expected = countsByStation(await readResultsFile(WIDE))
  const fromGzip = await readResultsFile(gzipped)
  t.same(countsByStation(fromGzip), expected)
  t.same(countsByStation(await readResultsFile(misnamed)), expected)
  const officialGz = path.join(dir, 'PR17_BVot_T1_extrait.txt.gz')
  await writeFile(officialGz, gzipSync(await readFile(OFFICIAL)))
  t.same(countsByStation(await readResultsFile(officialGz)), expected)
})

t.test('a UTF-8 byte order mark is ignored', async (t) => {
  const dir = t.testdir()
  const file = path.join(dir, 'bom.csv')
  await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await readFile(WIDE)]))
  const imported = await readResultsFile(file)
  t.equal(imported.layout, 'wide')
  t.same(imported.warnings, [])
  t.same(countsByStation(imported), countsByStation(await readResultsFile(WIDE)))
  t.same(imported.definition.areas, (await readResultsFile(WIDE)).definition.areas)
})

t.test('a Latin-1 file whose first accent lies beyond the sniffed prefix is re-read as Latin-1', async (t) => {
  const dir = t.testdir()
  const header = 'departement,commune,bureau,circonscription,commune_libelle,inscrits,votants,blancs,exprimes,A,B\n'
  const rows: string[] = []
  for (let i = 1; rows.join('').length < SNIFF_BYTES * 2; i++) rows.push(`01,001,${String(i).padStart(4, '0')},1,Ain Ville,100,80,2,76,40,36\n`)
  const file = path.join(dir, 'late-accent.csv')
  await writeFile(file, Buffer.concat([Buffer.from(header + rows.join('')), Buffer.from('01,004,0001,5,Ambérieu-en-Bugey,100,80,2,76,40,36\n', 'latin1')]))
  const imported = await readResultsFile(file)
  t.equal(imported.returns.length, rows.length + 1)
  t.match(imported.definition.areas.find((a) => a.code === '01004'), { name: 'Ambérieu-en-Bugey' })
  t.match(imported.warnings, [/not valid UTF-8.*read as Latin-1/])
})

t.test('official layout: header variations, unpadded codes, trailing separators', async (t) => {
  const dir = t.testdir()
  const file = path.join(dir, 'variant.txt')
  const header =
    'CODE DEPARTEMENT;Libelle departement;Code circonscription;Libelle circonscription;Code commune;Libelle commune;' +
    'Code B.Vote;Inscrits;Abstentions;% Abs/Ins;Votants;% Vot/Ins;Blancs;% Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;' +
    '% Nuls/Vot;Exprimes;% Exp/Ins;% Exp/Vot;N° Panneau;Sexe;Nom;Prenom;Nuance;Voix;% Voix/Ins;% Voix/Exp'
  const fixed = (dep: string, commune: string, bureau: string): string =>
    `${dep};Ain;4;4e;${commune};Ville;${bureau};100;20;20,00;80;80,00;2;2,00;2,50;2;2,00;2,50;76;76,00;95,00`
  const blocks = '1;F;DURAND;Anne;DVG;40;40,00;52,63;2;M;MARTIN;Luc;DVD;36;36,00;47,37'
  await writeFile(file, [header, `${fixed('1', '4', '1')};${blocks};`, `${fixed('01', '56', '12')};${blocks}`, ''].join('\n'))
  const imported = await readResultsFile(file)
  t.equal(imported.layout, 'official')
  t.same(imported.warnings, [])
  t.same(imported.definition.stations.map((s) => s.id), ['01004-0001', '01056-0012'])
  t.match(imported.definition.election.contests[0]?.candidates, [
    { id: 'DURAND', ballot: 1, name: 'Anne Durand', party: 'DVG' },
    { id: 'MARTIN', ballot: 2, name: 'Luc Martin', party: 'DVD' },
  ])
  t.same(imported.returns[0]?.counts, { registered: 100, voters: 80, blank: 2, invalid: 2, valid: 76, votes: { DURAND: 40, MARTIN: 36 } })
  t.match(imported.definition.election, { id: 'variant', name: 'variant', round: 1 })
})

t.test('bad rows are reported with their line numbers and skipped; the others are imported', async (t) => {
  const dir = t.testdir()
  const lines = (await readFile(WIDE, 'utf8')).trimEnd().split('\n')
  const bad = [
    '01,900,0001,4,Trop court,598,506,2,495', // line 32: wrong field count
    '01,901,0001,4,Texte,598,5O6,2,495,4,6,2,34,110,29,2,126,119,59,4', // line 33: not an integer
    '01,902,0001,4,Négatif,598,506,2,495,4,6,2,34,110,29,2,126,-119,59,4', // line 34: negative
    lines[1] ?? '', // line 35: duplicate of line 2
    '01,903,0001,4,Nuls négatifs,598,500,10,495,4,6,2,34,110,29,2,126,119,59,4', // line 36: 500 − 10 − 495 < 0
    '99,001,0001,4,Inconnu,598,506,2,495,4,6,2,34,110,29,2,126,119,59,4', // line 37: unknown département
  ]
  const file = path.join(dir, 'bad-rows.csv')
  await writeFile(file, [...lines, ...bad, ''].join('\n'))
  const imported = await readResultsFile(file)
  t.equal(imported.returns.length, FIXTURE_ROWS, 'the good rows are all imported')
  t.equal(imported.warnings.length, bad.length)
  t.match(imported.warnings, [
    /^line 32: 9 fields, expected 20; row skipped$/,
    /^line 33: votants: "5O6" is not a whole number; row skipped$/,
    /^line 34: votes of MACRON: "-119" is negative; row skipped$/,
    /^line 35: station 01001-0001 already appears on line 2; row skipped$/,
    /^line 36: nuls = votants − blancs − exprimés = 500 − 10 − 495 is negative; row skipped$/,
    /^line 37: département: "99" is not a département code; row skipped$/,
  ])
  t.notOk(imported.definition.stations.some((s) => s.commune.startsWith('019')), 'no station of a bad row')
})

t.test('official rows whose candidate blocks differ are reported and skipped', async (t) => {
  const dir = t.testdir()
  const text = (await readFile(OFFICIAL)).toString('latin1').trimEnd().split('\r\n')
  const second = (text[2] ?? '').replace(';MACRON;Emmanuel;', ';MACRONN;Emmanuel;')
  const third = (text[3] ?? '').split(';').slice(0, -7).join(';')
  const file = path.join(dir, 'PR17_BVot_T1_bad.txt')
  await writeFile(file, Buffer.from([text[0], text[1], second, third, ''].join('\r\n'), 'latin1'))
  const imported = await readResultsFile(file)
  t.equal(imported.returns.length, 1)
  t.match(imported.warnings, [
    /^line 3: candidate block 3 is 3 MACRONN, expected 3 MACRON \(the candidates are those of line 2\); row skipped$/,
    /^line 4: 10 candidate blocks, expected 11/,
  ])
})

t.test('an unknown header is a clear error naming the columns found and the layouts expected', async (t) => {
  const dir = t.testdir()
  const file = path.join(dir, 'unknown.csv')
  await writeFile(file, 'code_insee,nom,population\n75056,Paris,2100000\n')
  await t.rejects(readResultsFile(file), ResultsFileError)
  const error: unknown = await readResultsFile(file).catch((err: unknown) => err)
  t.match(error, {
    message: /Columns found: "code_insee", "nom", "population"\..*Missing: departement, commune, bureau, inscrits, votants, blancs, exprimes\..*wide layout.*official Ministry layout/,
  })
  const empty = path.join(dir, 'empty.csv')
  await writeFile(empty, '')
  await t.rejects(readResultsFile(empty), { name: 'ResultsFileError', message: /empty/ })
})

t.test('options override the defaults read from the file name', async (t) => {
  const imported = await readResultsFile(OFFICIAL, {
    electionId: 'rehearsal',
    name: 'Répétition',
    round: 2,
    pollsCloseAt: '2027-04-11T18:00:00Z',
    policy: { mode: 'double', autoAcknowledgeWarnings: false },
  })
  t.match(imported.definition.election, {
    id: 'rehearsal',
    name: 'Répétition',
    round: 2,
    pollsCloseAt: '2027-04-11T18:00:00Z',
    policy: { mode: 'double', autoAcknowledgeWarnings: false },
  })
  await t.rejects(readResultsFile(OFFICIAL, { electionId: 'not an id' }))
})
