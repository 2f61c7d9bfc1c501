// The results desk's decisions on one station's result, each in ONE transaction that: locks the
// station's row (FOR UPDATE, as the consolidator does, so a desk action and a batch of returns
// never change a station at once), checks the decision against what the page showed, applies the
// state machine (core/station-state.ts), writes the new row, the result to `[results]` through the
// outbox when one is emitted, and the audit entry. A refusal rolls everything back and says why in
// French; the four-eyes refusals are audited too (desk.action-refused), in a transaction of their own.
import { checkReturn, CHECKS, hasErrors, type Finding } from '../../core/checks.js'
import type { Counts, ScanRef, StationResult } from '../../core/schemas.js'
import { transition, type StationEvent } from '../../core/station-state.js'
import type { Db, Tx } from '../../infra/db/db.js'
import { enqueueStationResults, type OutboxRow } from '../outbox-repository.js'
import { turnoutOf } from '../return-decisions.js'
import type { StationRef } from '../returns-repository.js'
import { readStationResults, updateStationResult } from '../station-results-repository.js'
import type { StationResultRow } from '../station-result-row.js'
import { stationResultKey } from '../../core/messages.js'
import { appendAudit, appendAuditInTx, type AuditDetail, type AuditEvent } from './audit-log.js'
import type { DeskRole } from './desk-users.js'
import { STATE_LABELS } from './state-labels.js'
import {
  decideCorrection,
  insertCorrection,
  lockCorrection,
  readStationFacts,
  readStationReturns,
  rejectReturnOutcome,
  type StationFacts,
} from './station-repository.js'

export interface DeskActor {
  username: string
  role: DeskRole
}

/** Who may approve a correction and withdraw a result. */
export const SUPERVISOR_ROLES: readonly DeskRole[] = ['supervisor', 'admin']

export type ActionOutcome =
  | { ok: true; message: string; outbox: OutboxRow[] }
  | { ok: false; status: number; problem: string }

/**
 * What the page showed of the station, carried in a hidden field: a decision taken on a page the
 * station has moved on from since (a new return, another desk user's decision) is refused.
 */
export function stationStamp(row: StationResultRow): string {
  return `${row.state}.${row.version}.${row.currentReturnId ?? '-'}`
}

export const STALE_PAGE = 'Le bureau a changé depuis l’affichage de la page (nouvelle remontée ou décision d’un autre utilisateur) : rechargez-la et décidez à nouveau.'

/** A refusal, thrown to roll the transaction back and caught by runAction. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly problem: string,
    /** The four-eyes refusals are recorded in the audit log. */
    readonly audited = false,
  ) {
    super(problem)
  }
}

interface StationInTx {
  tx: Tx
  facts: StationFacts
  row: StationResultRow
  now: Date
}

interface Decided {
  message: string
  event: AuditEvent
  detail: AuditDetail
  /** The station's new row, when it changes. */
  row?: StationResultRow
  result?: StationResult
}

async function runAction(
  db: Db,
  ref: StationRef,
  actor: DeskActor,
  now: Date,
  action: string,
  decide: (s: StationInTx) => Promise<Decided>,
): Promise<ActionOutcome> {
  try {
    return await db.transaction(async (tx) => {
      const facts = await readStationFacts(tx, ref)
      if (facts === undefined) throw new Refusal(404, 'Ce bureau n’existe pas dans ce scrutin.')
      const row = (await readStationResults(tx, [ref], { lock: true })).get(stationResultKey(ref.electionId, ref.contestId, ref.stationId))
      if (row === undefined) throw new Refusal(404, 'Ce bureau n’a pas encore de résultat dans la base de consolidation.')
      const d = await decide({ tx, facts, row, now })
      if (d.row !== undefined) await updateStationResult(tx, ref, d.row, now)
      const outbox = d.result === undefined ? [] : await enqueueStationResults(tx, [d.result], now)
      await appendAuditInTx(tx, { actor: actor.username, event: d.event, detail: { ...refDetail(ref), ...d.detail } }, now)
      return { ok: true as const, message: d.message, outbox }
    })
  } catch (err) {
    if (!(err instanceof Refusal)) throw err
    if (err.audited) {
      await appendAudit(db, { actor: actor.username, event: 'desk.action-refused', detail: { ...refDetail(ref), action, problem: err.problem } }, now)
    }
    return { ok: false, status: err.status, problem: err.problem }
  }
}

function refDetail(ref: StationRef): AuditDetail {
  return { electionId: ref.electionId, contestId: ref.contestId, stationId: ref.stationId }
}

function requireStamp(row: StationResultRow, expected: string): void {
  if (stationStamp(row) !== expected) throw new Refusal(409, STALE_PAGE)
}

function move(s: StationInTx, event: StationEvent, refusal: string): StationResultRow['state'] {
  const t = transition(s.row.state, event, s.facts.policy)
  if (!t.ok) throw new Refusal(409, `${refusal} : le bureau est « ${STATE_LABELS[s.row.state]} ».`)
  return t.state
}

function result(ref: StationRef, version: number, status: StationResult['status'], counts: Counts, now: Date, reason?: string, scan?: ScanRef): StationResult {
  return {
    type: 'station-result',
    ...ref,
    version,
    status,
    counts,
    validatedAt: now.toISOString(),
    // The schema caps the reason; a desk user's reason is already capped shorter than that.
    ...(reason === undefined ? {} : { reason: reason.slice(0, 500) }),
    // The signed sheet behind the figures, for the station's public page.
    ...(scan === undefined ? {} : { scan }),
  }
}

function codesOf(findings: readonly Finding[], severity: Finding['severity']): string[] {
  return findings.filter((f) => f.severity === severity).map((f) => f.code)
}

async function checkedReturn(s: StationInTx, ref: StationRef, returnId: string) {
  const found = (await readStationReturns(s.tx, ref)).find((r) => r.returnId === returnId)
  if (found === undefined) throw new Refusal(404, 'Cette remontée n’appartient pas à ce bureau.')
  if (found.status !== 'checked') throw new Refusal(409, 'Cette remontée a déjà été écartée (rejetée ou refusée) : elle ne peut plus être retenue.')
  return found
}

export interface ValidateReturnInput {
  ref: StationRef
  returnId: string
  stamp: string
  acknowledgeWarnings: boolean
}

/** Validates one of the station's returns: its figures become the next validated version. */
export function validateReturn(db: Db, input: ValidateReturnInput, actor: DeskActor, now: Date): Promise<ActionOutcome> {
  const { ref } = input
  return runAction(db, ref, actor, now, 'validate-return', async (s) => {
    requireStamp(s.row, input.stamp)
    const chosen = await checkedReturn(s, ref, input.returnId)
    const errors = codesOf(chosen.findings, 'error')
    if (errors.length > 0) {
      throw new Refusal(
        422,
        `Cette remontée comporte des erreurs (${errors.join(', ')}) : elle ne peut pas être validée. Rejetez-la, ou saisissez une correction.`,
      )
    }
    const warnings = codesOf(chosen.findings, 'warning')
    if (warnings.length > 0 && !input.acknowledgeWarnings) {
      throw new Refusal(422, `Cette remontée porte des avertissements (${warnings.join(', ')}) : cochez « J’ai pris connaissance des avertissements » pour la valider.`)
    }
    const state = move(s, { kind: 'desk-validated' }, 'Cette remontée ne peut pas être validée')
    const version = s.row.version + 1
    const emitted = result(
      ref,
      version,
      'validated',
      chosen.counts,
      now,
      version > 1 ? `correction: return ${chosen.returnId} validated by ${actor.username}` : undefined,
      chosen.scan,
    )
    return {
      message: `Remontée validée : version ${version} du résultat envoyée à la publication.`,
      event: 'desk.return-validated',
      detail: { returnId: chosen.returnId, version, acknowledgedWarnings: warnings },
      row: { ...s.row, state, version, counts: chosen.counts, turnout: turnoutOf(chosen.counts), validatedReturnId: chosen.returnId, validatedAt: emitted.validatedAt },
      result: emitted,
    }
  })
}

export interface RejectReturnInput {
  ref: StationRef
  returnId: string
  stamp: string
  reason: string
}

/** Rejects one of the station's returns: it no longer counts, and the station waits for another. */
export function rejectReturn(db: Db, input: RejectReturnInput, actor: DeskActor, now: Date): Promise<ActionOutcome> {
  const { ref } = input
  return runAction(db, ref, actor, now, 'reject-return', async (s) => {
    requireStamp(s.row, input.stamp)
    const rejected = await checkedReturn(s, ref, input.returnId)
    const state = move(s, { kind: 'desk-rejected' }, 'Cette remontée ne peut pas être rejetée')
    await rejectReturnOutcome(s.tx, rejected.returnId, `desk: rejected by ${actor.username}: ${input.reason}`, now)
    return {
      message: 'Remontée rejetée : le bureau attend une nouvelle remontée.',
      event: 'desk.return-rejected',
      detail: { returnId: rejected.returnId, reason: input.reason },
      row: { ...s.row, state },
    }
  })
}

export interface EnterCorrectionInput {
  ref: StationRef
  counts: Counts
  reason: string
}

/**
 * Records figures a desk user entered as a pending correction. They take effect only when a
 * different supervisor approves them; figures with an error finding are refused at once.
 */
export function enterCorrection(db: Db, input: EnterCorrectionInput, actor: DeskActor, now: Date): Promise<ActionOutcome> {
  const { ref } = input
  return runAction(db, ref, actor, now, 'enter-correction', async (s) => {
    const station = { id: ref.stationId, code: s.facts.code, name: s.facts.name, commune: s.facts.commune, registered: s.facts.registered }
    const findings = checkReturn(input.counts, { station, candidates: s.facts.candidates })
    if (hasErrors(findings)) {
      const sentences = findings.filter((f) => f.severity === 'error').map((f) => `${f.code} : ${CHECKS[f.code].fr}`)
      throw new Refusal(422, `Ces chiffres comportent des erreurs, la correction n’est pas enregistrée. ${sentences.join(' ')}`)
    }
    const id = await insertCorrection(s.tx, ref, { counts: input.counts, reason: input.reason, enteredBy: actor.username, baseVersion: s.row.version }, now)
    return {
      message: `Correction n° ${id} enregistrée : elle prendra effet quand un autre superviseur l’aura approuvée.`,
      event: 'desk.correction-entered',
      detail: { correctionId: id, counts: input.counts, reason: input.reason, baseVersion: s.row.version, warnings: codesOf(findings, 'warning') },
    }
  })
}

export interface CorrectionDecisionInput {
  ref: StationRef
  correctionId: number
}

async function pendingCorrection(s: StationInTx, input: CorrectionDecisionInput) {
  const c = await lockCorrection(s.tx, input.ref, input.correctionId)
  if (c === undefined) throw new Refusal(404, 'Cette correction n’existe pas pour ce bureau.')
  if (c.status !== 'pending') {
    throw new Refusal(409, `Cette correction a déjà été ${c.status === 'approved' ? 'approuvée' : 'écartée'} par ${c.decidedBy ?? '?'}.`)
  }
  return c
}

/**
 * Four eyes: a supervisor other than the one who entered the correction approves it, and it
 * becomes the station's next validated version, emitted with its reason.
 */
export function approveCorrection(db: Db, input: CorrectionDecisionInput, actor: DeskActor, now: Date): Promise<ActionOutcome> {
  const { ref } = input
  return runAction(db, ref, actor, now, 'approve-correction', async (s) => {
    if (!SUPERVISOR_ROLES.includes(actor.role)) throw new Refusal(403, 'Seul un superviseur peut approuver une correction.', true)
    const c = await pendingCorrection(s, input)
    if (c.enteredBy === actor.username) {
      throw new Refusal(403, 'Vous avez saisi cette correction : un autre superviseur doit l’approuver (règle des quatre yeux).', true)
    }
    if (c.baseVersion !== s.row.version) {
      throw new Refusal(
        409,
        `Le résultat du bureau a changé depuis la saisie de cette correction (version ${s.row.version}, saisie sur la version ${c.baseVersion}) : écartez-la et saisissez-en une nouvelle.`,
      )
    }
    const state = move(s, { kind: 'desk-corrected' }, 'Cette correction ne peut pas être approuvée')
    const version = s.row.version + 1
    const emitted = result(ref, version, 'validated', c.counts, now, `desk correction ${c.id} by ${c.enteredBy}, approved by ${actor.username}: ${c.reason}`)
    await decideCorrection(s.tx, c.id, { status: 'approved', decidedBy: actor.username, emittedVersion: version }, now)
    return {
      message: `Correction n° ${c.id} approuvée : version ${version} du résultat envoyée à la publication.`,
      event: 'desk.correction-approved',
      detail: { correctionId: c.id, enteredBy: c.enteredBy, version, reason: c.reason },
      row: { ...s.row, state, version, counts: c.counts, turnout: turnoutOf(c.counts), validatedReturnId: undefined, validatedAt: emitted.validatedAt },
      result: emitted,
    }
  })
}

/** Discards a pending correction: its author, or a supervisor. */
export function discardCorrection(db: Db, input: CorrectionDecisionInput, actor: DeskActor, now: Date): Promise<ActionOutcome> {
  return runAction(db, input.ref, actor, now, 'discard-correction', async (s) => {
    const c = await pendingCorrection(s, input)
    if (c.enteredBy !== actor.username && !SUPERVISOR_ROLES.includes(actor.role)) {
      throw new Refusal(403, 'Seuls l’auteur de la correction et les superviseurs peuvent l’écarter.')
    }
    await decideCorrection(s.tx, c.id, { status: 'discarded', decidedBy: actor.username }, now)
    return { message: `Correction n° ${c.id} écartée.`, event: 'desk.correction-discarded', detail: { correctionId: c.id, enteredBy: c.enteredBy } }
  })
}

export interface WithdrawResultInput {
  ref: StationRef
  stamp: string
  reason: string
}

/**
 * Withdraws the station's validated (or published) result: `[results]` carries a `withdrawn`
 * version with the reason, the publisher drops the station from its totals, and the station
 * waits again; its next return is a correction.
 */
export function withdrawResult(db: Db, input: WithdrawResultInput, actor: DeskActor, now: Date): Promise<ActionOutcome> {
  const { ref } = input
  return runAction(db, ref, actor, now, 'withdraw-result', async (s) => {
    if (!SUPERVISOR_ROLES.includes(actor.role)) throw new Refusal(403, 'Seul un superviseur peut retirer un résultat.')
    requireStamp(s.row, input.stamp)
    const state = move(s, { kind: 'desk-withdrawn' }, 'Il n’y a pas de résultat validé à retirer')
    const counts = s.row.counts
    if (counts === undefined) throw new Refusal(409, 'Il n’y a pas de résultat validé à retirer.')
    const version = s.row.version + 1
    return {
      message: `Résultat retiré : la version ${version} annonce le retrait à la publication.`,
      event: 'desk.result-withdrawn',
      detail: { version, reason: input.reason },
      row: { ...s.row, state, version, counts: undefined, turnout: undefined, validatedReturnId: undefined, validatedAt: undefined },
      result: result(ref, version, 'withdrawn', counts, now, input.reason),
    }
  })
}
