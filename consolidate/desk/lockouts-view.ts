// What the lockouts page shows: each PIN lock in French, worded for whoever answers a president
// who cannot get in — what is locked, which station, from which phone or address, until when.
import { formatCountFr } from '../../core/counts.js'
import type { LockoutList, StoredLockout } from '../pin-lockouts-repository.js'
import { formatDateTimeFr } from './dashboard-view.js'

/** Ended locks listed below the ones in force: a night's worth, the latest first. */
export const ENDED_LOCKOUTS_SHOWN = 200

const MINUTE_MS = 60_000

const CHANNEL_LABELS = { phone: 'Téléphone', form: 'Formulaire web' } as const

/** The web form counts attempts per `web:<client address>` (ingest/form): the address is what a person knows. */
const FORM_CALLER_PREFIX = 'web:'

function callerLabel(l: StoredLockout): string {
  if (l.channel === 'form' && l.caller.startsWith(FORM_CALLER_PREFIX)) return `adresse ${l.caller.slice(FORM_CALLER_PREFIX.length)}`
  if (l.channel === 'phone' && l.caller === 'anonymous') return 'numéro masqué'
  return l.caller
}

function lockedLabel(l: StoredLockout): string {
  switch (l.reason) {
    case 'station-code':
      return l.code === undefined ? 'code du bureau' : `code ${l.code}`
    case 'caller':
      return l.channel === 'form' ? 'cette adresse, pour tout code' : 'cet appelant, pour tout code'
  }
}

function stationOfCode(l: StoredLockout): string {
  const s = l.station
  if (s === undefined) return 'code délivré à aucun bureau'
  const commune = s.communeName === undefined ? s.commune : `${s.communeName} (${s.commune})`
  return `${s.code} · ${s.name} — ${commune}`
}

/** A code's lock is on that station; a caller's names the last code tried, where to look first. */
function stationLabel(l: StoredLockout): string {
  if (l.code === undefined) return '—'
  switch (l.reason) {
    case 'station-code':
      return stationOfCode(l)
    case 'caller':
      return `dernier code essayé ${l.code} : ${stationOfCode(l)}`
  }
}

function stateLabel(l: StoredLockout, now: Date): string {
  const leftMs = l.until.getTime() - now.getTime()
  if (leftMs <= 0) return 'expiré'
  return `en cours, encore ${Math.ceil(leftMs / MINUTE_MS)} min`
}

function rowView(l: StoredLockout, now: Date) {
  return {
    id: l.id,
    inForce: l.until.getTime() > now.getTime(),
    state: stateLabel(l, now),
    locked: lockedLabel(l),
    station: stationLabel(l),
    caller: callerLabel(l),
    channel: l.channel === undefined ? 'inconnu' : CHANNEL_LABELS[l.channel],
    lockedAt: formatDateTimeFr(l.lockedAt),
    until: formatDateTimeFr(l.until),
    attempts: l.attempts === undefined ? '—' : String(l.attempts),
  }
}

export function lockoutsView(list: LockoutList, now: Date) {
  return {
    title: 'Blocages des codes PIN',
    asOf: formatDateTimeFr(now),
    inForceCount: formatCountFr(list.inForce.length),
    inForce: list.inForce.map((l) => rowView(l, now)),
    ended: list.ended.map((l) => rowView(l, now)),
    endedCut: list.endedTotal > list.ended.length ? { shown: list.ended.length, total: list.endedTotal } : undefined,
  }
}
