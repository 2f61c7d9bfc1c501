// Large text files written piece by piece straight into their bytes: France's per-station CSV
// (20 MB), sitemaps (6 MB each) and NIST report (75 MB). Built as an array of lines then joined,
// each was held up to three times (the lines, the joined string, its UTF-8 copy), and a render
// taking longer than a young-generation collection moved the lines into the old generation,
// where they stayed as garbage until the next full collection, often the next cycle's.
//
// The bytes go into one resizable ArrayBuffer that grows in place, is cut to its length at the
// end, and is handed over to a writer thread, which gives its memory back once the file is
// written (FileToWrite.handOver, releasableBuffer in compressed-variants.ts).

/** Address space reserved for one file; only what is written is ever committed. */
const MAX_BYTES = 1024 * 1024 * 1024
const FIRST_BYTES = 64 * 1024

export class ReleasableText {
  private memory = new ArrayBuffer(FIRST_BYTES, { maxByteLength: MAX_BYTES })
  private bytes = Buffer.from(this.memory)
  private length = 0
  private finished = false

  /** Appends `text` as UTF-8. */
  write(text: string): void {
    if (this.finished) throw new Error('ReleasableText: written after finish()')
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    const most = text.length * 3
    if (this.length + most > this.bytes.length) this.grow(this.length + most)
    this.length += this.bytes.write(text, this.length)
  }

  get byteLength(): number {
    return this.length
  }

  /** The bytes written, in a Buffer that owns all of its memory (it can be moved to a thread). */
  finish(): Buffer {
    this.finished = true
    this.memory.resize(this.length)
    return Buffer.from(this.memory, 0, this.length)
  }

  private grow(needed: number): void {
    if (needed > MAX_BYTES) throw new Error(`ReleasableText: more than ${MAX_BYTES} bytes`)
    // A quarter more than needed: few resizes, and little committed beyond the file.
    this.memory.resize(Math.min(MAX_BYTES, Math.max(needed, Math.ceil(needed * 1.25))))
    this.bytes = Buffer.from(this.memory, 0, this.memory.byteLength)
  }
}
