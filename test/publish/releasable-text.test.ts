import t from 'tap'
import { ReleasableText } from '../../publish/releasable-text.js'

t.test('the bytes are the UTF-8 of what was written, across every growth', async (t) => {
  const out = new ReleasableText()
  const pieces: string[] = []
  // Multi-byte characters (2, 3 and 4 bytes in UTF-8) around the growth points.
  for (let i = 0; i < 60_000; i++) pieces.push(i % 7 === 0 ? `é€😀${i},` : `${i},`)
  pieces.push('x'.repeat(300_000))
  for (const p of pieces) out.write(p)
  const expected = Buffer.from(pieces.join(''))
  t.equal(out.byteLength, expected.length)
  const body = out.finish()
  t.ok(body.equals(expected), 'same bytes as the joined text')
  t.equal(body.byteOffset, 0)
  t.equal(body.buffer.byteLength, body.length, 'no memory beyond the file: it can be handed over to a writer thread whole')
  t.throws(() => out.write('more'), /after finish/)
})

t.test('an empty text is an empty Buffer', async (t) => {
  const body = new ReleasableText().finish()
  t.equal(body.length, 0)
})
