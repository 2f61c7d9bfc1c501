// The station page and its forms over HTTP, as a browser without JavaScript uses them: the real
// desk on the real consolidator's database (PGlite), scans in a real folder storage.
import { join } from 'node:path'
import t from 'tap'
import { formatCountFr } from '../../../core/counts.js'
import { scanStorageKey } from '../../../core/scans.js'
import type { ScanRef } from '../../../core/schemas.js'
import { STALE_PAGE } from '../../../consolidate/desk/station-actions.js'
import { stationPath } from '../../../consolidate/desk/station-view.js'
import { createFsStorage } from '../../../infra/storage/fs-storage.js'
import { openConflictScene, resultsOf } from '../../fixtures/desk-station.js'
import { PNG_1X1, sha256Hex } from '../../fixtures/scan-samples.js'
import { csrfTokenOf, problemOf, startTestDesk } from '../../helpers/desk-client.js'
import { decodeEntities } from '../../helpers/form-client.js'

const stampOf = (html: string) => /name="stamp" value="([^"]+)"/.exec(html)?.[1] ?? ''

/** The comparison table's rows: field → { differs, cells as text }. */
function comparedRows(html: string): Record<string, { differs: boolean; cells: string[] }> {
  const table = /<table class="sheet" id="returns-compared">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? ''
  const rows: Record<string, { differs: boolean; cells: string[] }> = {}
  for (const m of table.matchAll(/<tr data-field="([^"]+)"( class="differs")?>([\s\S]*?)<\/tr>/g)) {
    const cells = [...(m[3] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => decodeEntities((c[1] ?? '').replace(/<[^>]+>/g, '')))
    rows[m[1] ?? ''] = { differs: m[2] !== undefined, cells }
  }
  return rows
}

async function scene(t: Parameters<typeof openConflictScene>[0]) {
  const scan: ScanRef = { sha256: sha256Hex(PNG_1X1), contentType: 'image/png', bytes: PNG_1X1.length }
  const s = await openConflictScene(t, { uploadScan: scan })
  // Ingest stores a scan before any return refers to it; the desk reads it only when asked.
  const scans = createFsStorage(join(s.h.dir, 'scans'))
  await scans.put(scanStorageKey(scan), PNG_1X1, { contentType: 'image/png', cacheControl: 'private, no-store' })
  const desk = await startTestDesk(t, { db: s.h.db, scans, onResultsWritten: () => s.h.consolidator.outboxWritten() })
  return { ...s, scans, scan, desk, path: stationPath(s.ref) }
}

t.test('the station page: facts, returns side by side with the differences in words, findings, scan, history', async (t) => {
  const s = await scene(t)
  const operator = await s.desk.signedIn('olivier', 'operator')
  const page = await operator.get(s.path)
  t.equal(page.status, 200)
  const html = decodeEntities(page.text)
  t.match(html, `<dd>${s.station.code} · ${s.station.name}</dd>`)
  t.match(html, '<dd>Paris (75056)</dd>')
  t.match(html, `<dd>${formatCountFr(1210)}</dd>`, 'the reference roll')
  t.match(html, '<dd data-field="state" data-state="conflict">en conflit</dd>')
  t.match(html, 'Les remontées diffèrent sur : 1. Alice MARTIN, 2. Bruno DUBOIS.')

  const rows = comparedRows(page.text)
  t.same(Object.keys(rows), ['registered', 'voters', 'blank', 'invalid', 'valid', 'votes.MARTIN', 'votes.DUBOIS', 'votes.LEROY'], 'tally-sheet order, candidates by ballot number')
  const martin = s.upload.counts.votes.MARTIN ?? 0
  t.same(rows['votes.MARTIN'], { differs: true, cells: [`${martin} (diffère)`, `${martin - 10} (diffère)`] })
  t.same(rows.registered, { differs: false, cells: [formatCountFr(1210), formatCountFr(1210)] })
  t.match(page.text, /<tr data-field="votes.MARTIN" class="differs"><th scope="row">1. Alice MARTIN<\/th><td><mark>/, 'marked up, not only coloured')

  t.match(html, /<tr class="warning" data-code="W205"><td>W205<\/td><td>avertissement<\/td><td>Deux remontées indépendantes de ce bureau ne donnent pas les mêmes chiffres.<\/td>/)
  t.match(html, `SHA-256 <code class="sha256">${s.scan.sha256}</code>`)
  t.match(html, `<img class="scan" src="${s.path}/returns/upload-${s.station.id}/scan"`)
  t.match(html, /Remontée 1 · Formulaire web reçue<\/td><td>official-75056-0101<\/td><td>état après : reçu/, 'the history has each arrival and its outcome')
  t.match(html, /Remontée 2 · Téléphone reçue<\/td><td>phone-75056-0101<\/td><td>état après : en conflit · W205/)
  t.notMatch(html, 'Retirer le résultat', 'an operator gets no withdrawal form')

  t.equal((await operator.get(`/stations/${s.ref.electionId}/${s.ref.contestId}/nowhere`)).status, 404)
  t.equal((await s.desk.client().get(s.path)).status, 303, 'signed out: to the login form')
})

t.test('the scan route: the stored file with its type, for a session only, named by the return alone', async (t) => {
  const s = await scene(t)
  const operator = await s.desk.signedIn('olivier', 'operator')
  const scanUrl = `${s.path}/returns/upload-${s.station.id}/scan`
  const res = await fetch(new URL(scanUrl, s.desk.baseUrl), { headers: { cookie: `desk_session=${operator.session ?? ''}` } })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'image/png')
  t.equal(res.headers.get('x-content-type-options'), 'nosniff')
  t.same(Buffer.from(await res.arrayBuffer()), PNG_1X1)

  t.equal((await s.desk.client().get(scanUrl)).status, 303, 'no session, no scan')
  t.equal((await operator.get(`${s.path}/returns/phone-${s.station.id}/scan`)).status, 404, 'a return without a scan')
  for (const sneaky of ['..%2F..%2Fetc%2Fpasswd', '%2E%2E', `upload-${s.station.id}%2F..`]) {
    t.equal((await operator.get(`${s.path}/returns/${sneaky}/scan`)).status, 404, `no file reached through ${sneaky}`)
  }
  t.equal((await operator.get(`/stations/${s.ref.electionId}/${s.ref.contestId}/75056-0102/returns/upload-${s.station.id}/scan`)).status, 404, 'another station’s return is not this one’s')

  await s.scans.put(scanStorageKey(s.scan), Buffer.concat([PNG_1X1, Buffer.from('x')]), { contentType: 'image/png', cacheControl: 'private, no-store' })
  const tampered = await operator.get(scanUrl)
  t.equal(tampered.status, 502, 'a file that no longer matches its SHA-256 is not served')
  t.match(tampered.text, 'ne correspond plus à son empreinte SHA-256')
})

t.test('forms: CSRF, a stale page, the warnings box, then a validation that reaches [results]', async (t) => {
  const s = await scene(t)
  const operator = await s.desk.signedIn('olivier', 'operator')
  const page = await operator.get(s.path)
  const form = { _csrf: csrfTokenOf(page.text), stamp: stampOf(page.text), returnId: `upload-${s.station.id}` }

  t.equal((await operator.post(`${s.path}/validate`, { ...form, _csrf: 'forged' })).status, 403, 'no CSRF token, no action')
  // The phone return carries W205 (it disagrees with the upload).
  const unticked = await operator.post(`${s.path}/validate`, { ...form, returnId: `phone-${s.station.id}` })
  t.equal(unticked.status, 422)
  t.match(decodeEntities(problemOf(unticked.text) ?? ''), 'cochez « J’ai pris connaissance des avertissements »')
  const stale = await operator.post(`${s.path}/validate`, { ...form, stamp: 'received.0.other', acknowledgeWarnings: 'yes' })
  t.equal(stale.status, 409)
  t.equal(decodeEntities(problemOf(stale.text) ?? ''), STALE_PAGE)

  const done = await operator.post(`${s.path}/validate`, { ...form, acknowledgeWarnings: 'yes' })
  t.equal(done.status, 303)
  t.equal(done.headers.get('location'), `${s.path}?fait=validee`)
  const after = await operator.get(done.headers.get('location') ?? '')
  t.match(after.text, 'La remontée est validée')
  t.match(after.text, /<dd data-field="version">1, validée le/)
  t.match(decodeEntities(after.text), /Remontée validée<\/td><td>olivier<\/td><td>version 1/)
  t.same((await resultsOf(s.h, s.station.id)).map((r) => r.version), [1])

  const supervisor = await s.desk.signedIn('alice', 'supervisor')
  const withdraw = await operator.post(`${s.path}/withdraw`, { _csrf: csrfTokenOf(after.text), stamp: stampOf(after.text), reason: 'x' })
  t.equal(withdraw.status, 403, 'an operator may not withdraw')
  const supervised = await supervisor.get(s.path)
  t.match(supervised.text, 'Retirer le résultat publié')
})

t.test('a correction form with a bad figure keeps what was typed and says which', async (t) => {
  const s = await scene(t)
  const operator = await s.desk.signedIn('olivier', 'operator')
  const page = await operator.get(s.path)
  const figures = { registered: '1210', voters: '900', blank: '10', invalid: '5', valid: '885', 'votes.MARTIN': '400', 'votes.DUBOIS': 'quatre', 'votes.LEROY': '85' }
  const refused = await operator.post(`${s.path}/corrections`, { _csrf: csrfTokenOf(page.text), ...figures, reason: 'relu' })
  t.equal(refused.status, 422)
  t.equal(decodeEntities(problemOf(refused.text) ?? ''), 'Ces chiffres ne sont pas des nombres entiers positifs ou nuls : Bruno DUBOIS. La correction n’est pas enregistrée.')
  t.match(refused.text, 'name="votes.DUBOIS" inputmode="numeric" pattern="[0-9]*" required value="quatre"', 'what was typed is given back')
  t.match(refused.text, 'id="correction-reason" name="reason" required maxlength="300" value="relu"')

  const stored = await operator.post(`${s.path}/corrections`, { _csrf: csrfTokenOf(page.text), ...figures, 'votes.DUBOIS': '400', reason: 'relu' })
  t.equal(stored.status, 303)
  const after = await operator.get(stored.headers.get('location') ?? '')
  t.match(after.text, 'Correction n° 1 en attente')
  t.notMatch(after.text, 'Approuver la correction', 'an operator is not offered the approval')
  t.match(after.text, 'Écarter la correction n° 1', 'but may discard their own')
})
