import t from 'tap'
import { electionNamingFromFile } from '../../bin/import/election-naming.js'
import { candidateCode, titleCase } from '../../bin/import/display-names.js'

const NOW = new Date('2031-01-02T03:04:05Z')

t.test('presidential files are named from their file name', async (t) => {
  t.same(electionNamingFromFile('/data/2017-presidentielle-1_par_bureau_large.csv.gz', NOW), {
    id: '2017-presidentielle-1_par_bureau_large',
    name: 'Élection présidentielle 2017 — 1er tour',
    round: 1,
    pollsCloseAt: '2017-04-23T18:00:00Z',
  })
  t.same(electionNamingFromFile('PR17_BVot_T2_FE.txt', NOW), {
    id: 'pr17_bvot_t2_fe',
    name: 'Élection présidentielle 2017 — 2nd tour',
    round: 2,
    pollsCloseAt: '2017-05-07T18:00:00Z',
  })
  t.match(electionNamingFromFile('presidentielle-2022-t1.csv', NOW), { round: 1, pollsCloseAt: '2022-04-10T18:00:00Z' })
  t.match(electionNamingFromFile('2032-presidentielle-2.csv', NOW), {
    name: 'Élection présidentielle 2032 — 2nd tour',
    pollsCloseAt: NOW.toISOString(),
  })
})

t.test('other files keep their name, round 1 unless it says otherwise, and close now', async (t) => {
  t.same(electionNamingFromFile('/tmp/Résultats municipales.csv', NOW), {
    id: 'resultats-municipales',
    name: 'Résultats municipales',
    round: 1,
    pollsCloseAt: NOW.toISOString(),
  })
  t.equal(electionNamingFromFile('municipales_T2.txt', NOW).round, 2)
})

t.test('candidate codes and display names', async (t) => {
  t.equal(candidateCode('LE PEN'), 'LE-PEN')
  t.equal(candidateCode('MÉLENCHON'), 'MELENCHON')
  t.equal(candidateCode('DUPONT-AIGNAN'), 'DUPONT-AIGNAN')
  t.equal(titleCase('LE PEN'), 'Le Pen')
  t.equal(titleCase('MÉLENCHON'), 'Mélenchon')
  t.equal(titleCase('DUPONT-AIGNAN'), 'Dupont-Aignan')
  t.equal(titleCase("D'ORNANO"), "D'Ornano")
})
