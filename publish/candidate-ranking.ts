// How pages order and colour candidates. Colours follow ballot order, so a candidate keeps the
// same colour on every page, in the bar chart and on the map, whatever the figures.
import type { CandidateFigures } from './area-document.js'

/** Ranked as readers expect: most votes first, ties in ballot order. */
export function rankCandidates(candidates: readonly CandidateFigures[]): CandidateFigures[] {
  return [...candidates].sort((a, b) => b.votes - a.votes || a.ballot - b.ballot)
}

// Twelve colours told apart by most colour-blind readers (Paul Tol's "muted" and "bright"
// schemes), each dark enough for white text and a 3:1 contrast with the white page. Beyond twelve
// candidates colours repeat; the tables always carry the names.
const PALETTE = ['#332288', '#117733', '#882255', '#aa4499', '#44aa99', '#999933', '#cc6677', '#4477aa', '#228833', '#ee6677', '#aa3377', '#88ccee']

export const NO_RESULT_COLOUR = '#d9d9d9'

export function candidateColour(ballot: number): string {
  return PALETTE[(ballot - 1) % PALETTE.length] ?? '#666666'
}
