/** A Fisher–Yates shuffle of a copy of `list`, drawing from `draw` (a seeded generator: same seed, same order). */
export function shuffled<T>(list: readonly T[], draw: () => number): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}
