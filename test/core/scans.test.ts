// Scans are recognised by their bytes, never by a name or a declared type, and stored under a key
// that only their SHA-256 and type decide.
import t from 'tap'
import { scanStorageKey, sniffScanType } from '../../core/scans.js'
import { ReturnSubmittedSchema, ScanRefSchema } from '../../core/schemas.js'

const SHA = 'ab'.repeat(32)

t.test('JPEG, PNG and PDF are told by their first bytes; anything else is not a scan', async (t) => {
  t.equal(sniffScanType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), 'image/jpeg')
  t.equal(sniffScanType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png')
  t.equal(sniffScanType(Buffer.from('%PDF-1.7\n%…')), 'application/pdf')
  t.equal(sniffScanType(Buffer.from('<html><body>%PDF-1.7')), undefined, 'a web page is not a PDF')
  t.equal(sniffScanType(Buffer.from('GIF89a')), undefined, 'GIF is not accepted')
  t.equal(sniffScanType(Buffer.from([0x89, 0x50, 0x4e, 0x47])), undefined, 'half a PNG signature is not a PNG')
  t.equal(sniffScanType(Buffer.alloc(0)), undefined, 'an empty file is nothing')
})

t.test('the storage key follows from the SHA-256 and the type only', async (t) => {
  t.equal(scanStorageKey({ sha256: SHA, contentType: 'application/pdf' }), `ab/${SHA}.pdf`)
  t.equal(scanStorageKey({ sha256: SHA, contentType: 'image/jpeg' }), `ab/${SHA}.jpg`)
  t.equal(scanStorageKey({ sha256: SHA, contentType: 'image/png' }), `ab/${SHA}.png`)
})

t.test('a return may carry a scan reference, and one without it still parses (older messages)', async (t) => {
  const base = {
    type: 'return',
    returnId: 'station:S1:form:1:pres',
    receipt: 'AAAA-BBBB-CCCC',
    electionId: 'e1',
    contestId: 'pres',
    stationId: 'S1',
    channel: 'form',
    submittedBy: 'station:S1',
    submittedAt: '2027-04-11T18:05:00.000Z',
    counts: { registered: 10, voters: 5, blank: 0, invalid: 0, valid: 5, votes: { A: 5 } },
  }
  t.equal(ReturnSubmittedSchema.safeParse(base).success, true)
  const scan = { sha256: SHA, contentType: 'application/pdf', bytes: 1234 }
  t.same(ReturnSubmittedSchema.parse({ ...base, scan }).scan, scan)
  t.equal(ScanRefSchema.safeParse({ ...scan, sha256: SHA.toUpperCase() }).success, false, 'upper-case hex is refused')
  t.equal(ScanRefSchema.safeParse({ ...scan, contentType: 'image/gif' }).success, false)
  t.equal(ScanRefSchema.safeParse({ ...scan, bytes: 0 }).success, false)
})
