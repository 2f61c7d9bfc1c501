// The station states as the desk names them, in French.
import type { StationResultState } from '../../core/schemas.js'

export const STATE_LABELS: Record<StationResultState, string> = {
  awaiting: 'en attente',
  received: 'reçu',
  validated: 'validé',
  'needs-review': 'à examiner',
  conflict: 'en conflit',
  published: 'publié',
}
