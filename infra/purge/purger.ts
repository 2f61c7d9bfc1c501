// Tells the caches in front of the published files (Varnish) that some URLs changed. Embedded
// mode has no cache in front: the no-op purger. Distributed: Varnish (varnish-purger.ts).

export interface Purger {
  /**
   * Invalidates these site paths ("/", "/departement/75/", "/departement/75/index.json") in
   * every cache in front; resolves once each cache confirmed, rejects if one did not (the
   * publisher logs it and retries with the next cycle's changes).
   */
  purge(paths: readonly string[]): Promise<void>
  /** For logs: "none", "varnish http://127.0.0.1:6081". */
  describe(): string
  /** True for the no-op purger: nothing is in front, so no one need remember what to purge. */
  readonly nothingInFront?: boolean
}

export function createNoPurger(): Purger {
  return {
    async purge() {},
    describe: () => 'none',
    nothingInFront: true,
  }
}
