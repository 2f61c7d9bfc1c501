// Invalidates changed pages in every Varnish node in front of nginx: one PURGE request carries
// many paths in its xkey-purge header, and ops/varnish/default.vcl turns each path into the
// surrogate key of the objects stored for it ("/x/" and "/x/index.html" are one key).
import type { Logger } from '../logging.js'
import type { Purger } from './purger.js'

/** The request header ops/varnish/default.vcl reads the space-separated paths from. */
export const PURGE_KEYS_HEADER = 'xkey-purge'

/**
 * Varnish refuses a request header line longer than http_req_hdr_len (8 KiB by default, name
 * included); 7 KiB of paths leaves room for the name and a raised limit is not needed.
 */
export const MAX_KEYS_HEADER_BYTES = 7 * 1024

/** A node that takes longer than this is counted as failed; the publisher retries next cycle. */
const DEFAULT_TIMEOUT_MS = 5_000

export interface VarnishPurgerOptions {
  logger?: Logger
  timeoutMs?: number
}

/** `urls`: one base URL per Varnish node ("http://127.0.0.1:6081"), as listed in VARNISH_URL. */
export function createVarnishPurger(urls: readonly string[], options: VarnishPurgerOptions = {}): Purger {
  if (urls.length === 0) throw new Error('createVarnishPurger needs at least one Varnish URL (VARNISH_URL)')
  const nodes = urls.map((url) => new URL(url).origin)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return {
    async purge(paths) {
      const batches = batchPaths(paths)
      if (batches.length === 0) return
      const results = await Promise.allSettled(nodes.map((node) => purgeNode(node, batches, timeoutMs)))
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []))
      if (failures.length > 0) {
        throw new Error(`purge failed on ${failures.length} of ${nodes.length} Varnish node(s): ${failures.join('; ')}`)
      }
      const purged = results.map((r) => (r.status === 'fulfilled' ? r.value : 0))
      options.logger?.debug({ nodes, paths: paths.length, requestsPerNode: batches.length, purged }, 'varnish purge')
    },
    describe: () => `varnish ${nodes.join(',')}`,
  }
}

/**
 * Space-separated header values of at most MAX_KEYS_HEADER_BYTES, each path once. A path is a
 * URL path; whitespace or a comma would split it into other keys, so such a path is a bug.
 */
export function batchPaths(paths: readonly string[]): string[] {
  const batches: string[] = []
  let current = ''
  for (const path of new Set(paths)) {
    if (!/^\/[\x21-\x2b\x2d-\x7e]*$/.test(path)) {
      throw new Error(`cannot purge ${JSON.stringify(path)}: a path starts with "/" and holds no space, comma or non-ASCII character`)
    }
    if (path.length > MAX_KEYS_HEADER_BYTES) throw new Error(`cannot purge a path of ${path.length} bytes (at most ${MAX_KEYS_HEADER_BYTES})`)
    if (current !== '' && current.length + 1 + path.length > MAX_KEYS_HEADER_BYTES) {
      batches.push(current)
      current = ''
    }
    current = current === '' ? path : `${current} ${path}`
  }
  if (current !== '') batches.push(current)
  return batches
}

/** Sends the batches to one node in turn; resolves with the number of objects it invalidated. */
async function purgeNode(node: string, batches: readonly string[], timeoutMs: number): Promise<number> {
  let purged = 0
  for (const keys of batches) {
    let res: Response
    try {
      res = await fetch(`${node}/`, {
        method: 'PURGE',
        headers: { [PURGE_KEYS_HEADER]: keys },
        signal: AbortSignal.timeout(timeoutMs),
      })
      // Read the (short) body so the connection goes back to the pool.
      await res.arrayBuffer()
    } catch (err) {
      if (err instanceof DOMException && err.name === 'TimeoutError') throw new Error(`Varnish ${node} did not answer within ${timeoutMs} ms`, { cause: err })
      throw new Error(`Varnish ${node} unreachable: ${errorMessage(err instanceof Error && err.cause !== undefined ? err.cause : err)}`, { cause: err })
    }
    // The reason phrase is the VCL's explanation ("Purge not allowed from this address").
    if (res.status !== 200) throw new Error(`Varnish ${node} answered ${res.status} ${res.statusText} to PURGE`)
    purged += Number(res.headers.get('x-purged') ?? 0)
  }
  return purged
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
