// POST /v1/phone/voice and /v1/phone/status: the webhooks of a Twilio-compatible voice provider.
// Each webhook is the same checklist: check the signature → parse → (a finished call: forget it)
// → under the call's lock: load its state → a repeat gets the answer it had → run the flow and
// its effect (PIN check, durable submit) → save the state → answer TwiML.
import express, { Router, type NextFunction, type Request, type Response } from 'express'
import type { Cache } from '../../infra/cache/cache.js'
import type { Logger } from '../../infra/logging.js'
import type { Registry } from '../../infra/metrics.js'
import type { IngestMetrics } from '../ingest-metrics.js'
import { prepareSubmission, type Submission } from '../return-submission.js'
import type { VerifyStationPin } from '../station-credentials.js'
import type { SubmitReturns } from '../submit-returns.js'
import type { ScopedElections } from '../token-scope.js'
import { createCallStore, type CallState } from './call-state.js'
import { advance, afterPinCheck, afterSubmit, startCall, type CallInput, type Draft, type FlowResult, type SubmitResult } from './ivr-flow.js'
import { PROMPTS, SAY_LANGUAGE, type Language } from './ivr-prompts.js'
import { createPhoneMetrics } from './phone-metrics.js'
import { sheetCounts, stationSheet } from './station-sheet.js'
import { isValidTwilioSignature } from './twilio-signature.js'
import { EMPTY_TWIML, renderTwiml } from './twiml.js'
import { firstValues, formParams, isEndedCallStatus, VoiceQuerySchema, VoiceRequestSchema, type VoiceRequest } from './voice-request.js'

export const PHONE_VOICE_PATH = '/v1/phone/voice'
export const PHONE_STATUS_PATH = '/v1/phone/status'
/** Twilio's webhooks are a few hundred bytes. */
const MAX_FORM_BYTES = 16 * 1024

export interface PhoneOptions {
  /** The provider's auth token. Set: every webhook must carry a valid X-Twilio-Signature (403 otherwise). */
  webhookSecret?: string | undefined
  /**
   * The URL the provider calls, up to where ingest's own paths begin (scheme, host, any prefix the
   * proxy strips), e.g. "https://results.example.org/ingest". The signature covers the URL as the
   * provider saw it; unset, it is rebuilt from the request (Host header, `trust proxy`).
   */
  publicUrl?: string | undefined
}

export interface PhoneRoutesDeps {
  elections: ScopedElections
  verifyStationPin: VerifyStationPin
  submit: SubmitReturns
  cache: Cache
  metrics: IngestMetrics
  registry: Registry
  logger: Logger
  clock: () => Date
  /** False until `[elections]` and `[credentials]` are read to their end. */
  ready: () => boolean
  options: PhoneOptions
}

export function phoneRoutes(deps: PhoneRoutesDeps): Router {
  const { elections, verifyStationPin, submit, metrics, logger, clock, ready, options } = deps
  const calls = createCallStore(deps.cache)
  const phoneMetrics = createPhoneMetrics(deps.registry)
  const router = Router()
  router.use([PHONE_VOICE_PATH, PHONE_STATUS_PATH], express.urlencoded({ extended: false, limit: MAX_FORM_BYTES, parameterLimit: 100 }))

  const signedUrl = (req: Request) =>
    options.publicUrl === undefined ? `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}` : `${options.publicUrl.replace(/\/+$/, '')}${req.originalUrl}`

  /** The parsed webhook, or an answer already sent (403 forged, 400 not a webhook). */
  const readWebhook = (req: Request, res: Response): VoiceRequest | undefined => {
    const params = formParams(req.body)
    if (options.webhookSecret !== undefined && !isValidTwilioSignature(options.webhookSecret, signedUrl(req), params, req.get('X-Twilio-Signature'))) {
      phoneMetrics.signatureRefused()
      logger.warn({ url: signedUrl(req) }, 'phone: webhook refused: missing or wrong X-Twilio-Signature')
      res.status(403).type('text/plain').send('Forbidden: this webhook must be signed by the voice provider (X-Twilio-Signature).\n')
      return undefined
    }
    const parsed = VoiceRequestSchema.safeParse(firstValues(params))
    if (!parsed.success) {
      res.status(400).type('text/plain').send('Bad request: a voice webhook is a form with a CallSid.\n')
      return undefined
    }
    return parsed.data
  }

  const sendTwiml = (res: Response, twiml: string) => {
    res.status(200).set('Cache-Control', 'no-store').type('text/xml; charset=utf-8').send(twiml)
  }

  /** A finished call: its state goes; what it had not confirmed was never sent. */
  const forget = async (call: VoiceRequest): Promise<void> => {
    const state = await calls.load(call.CallSid)
    await calls.delete(call.CallSid)
    if (state && state.step.kind !== 'ended') phoneMetrics.callEnded('hung-up')
  }

  const sheetOf = (electionId: string, stationId: string) => {
    const definition = elections.definition(electionId)
    return definition === undefined ? undefined : stationSheet(definition, stationId)
  }

  const submitSheet = async (state: Draft): Promise<SubmitResult> => {
    const sheet = state.sheet
    if (sheet === undefined) throw new Error('submit without a sheet')
    const now = clock()
    const submittedBy = `official:${sheet.stationId}`
    const submissions: Submission[] = []
    for (const { contestId, counts } of sheetCounts(sheet, state.values)) {
      const request = { electionId: sheet.electionId, contestId, stationId: sheet.stationId, counts, channel: 'phone' as const }
      // The definition may have been reloaded during the call; the same check as every channel.
      const unknown = elections.check(request)
      // No key: the id is derived from the station and what it says, so a repeated confirming
      // webhook, and a second call with the same figures after "not recorded" (the bus may have
      // stored the first even though it could not confirm it), are the same return, never a second.
      const prepared = unknown ? { ok: false as const, error: unknown } : prepareSubmission(submittedBy, request, undefined, now)
      if (!prepared.ok) {
        metrics.rejected(prepared.error.code)
        logger.error({ callSid: state.callSid, error: prepared.error }, 'phone: a confirmed sheet could not be submitted')
        return { ok: false }
      }
      submissions.push(prepared.value)
    }
    const submitted = await submit(submissions)
    if (!submitted.ok) {
      metrics.rejected(submitted.error.code, submissions.length)
      logger.warn({ callSid: state.callSid, code: submitted.error.code }, 'phone: sheet not stored; the caller is told no receipt was given')
      return { ok: false }
    }
    const receipts: { contestId: string; receipt: string }[] = []
    submitted.outcomes.forEach((outcome, i) => {
      const contestId = submissions[i]?.message.contestId ?? ''
      if (outcome.status === 'accepted') {
        metrics.accepted('phone', outcome.replayed)
        receipts.push({ contestId, receipt: outcome.receipt })
      } else {
        metrics.rejected(outcome.error.code)
        logger.error({ callSid: state.callSid, contestId, error: outcome.error }, 'phone: a contest of a confirmed sheet was refused')
      }
    })
    return receipts.length === submissions.length ? { ok: true, receipts } : { ok: false }
  }

  /** Runs the effect a flow step asked for and feeds its result back to the flow. */
  const withEffects = async (result: FlowResult): Promise<Extract<FlowResult, { kind: 'turn' }>> => {
    switch (result.kind) {
      case 'turn':
        return result
      case 'verify-pin':
        return withEffects(afterPinCheck(result.state, await verifyStationPin(result.code, result.pin, result.state.caller, 'phone'), sheetOf))
      case 'submit':
        return withEffects(afterSubmit(result.state, await submitSheet(result.state)))
      default: {
        const never: never = result
        throw new Error(`unknown flow result ${JSON.stringify(never)}`)
      }
    }
  }

  /** Renders the turn with the `s` the next webhook must carry, saves the state, returns the TwiML. */
  const answer = async (seq: number, result: FlowResult): Promise<string> => {
    const { state, turn } = await withEffects(result)
    const language = SAY_LANGUAGE[state.language]
    const twiml = renderTwiml(
      turn.listen === undefined
        ? { kind: 'hangup', language, say: turn.say }
        : { kind: 'gather', language, say: turn.say, gather: { ...turn.listen, action: `voice?s=${seq}` } },
    )
    const saved: CallState = { ...state, seq, lastTwiml: twiml }
    await calls.save(saved)
    if (turn.ended) phoneMetrics.callEnded(turn.ended)
    return twiml
  }

  const hangUp = (language: Language, say: string) => renderTwiml({ kind: 'hangup', language: SAY_LANGUAGE[language], say: [say] })

  const takeWebhook = async (call: VoiceRequest, query: { s?: string | undefined; lang?: Language | undefined }): Promise<string> => {
    const state = await calls.load(call.CallSid)
    if (state === undefined) {
      // A webhook answering a prompt of a call this service no longer knows (expired, hung up).
      if (query.s !== undefined) return hangUp(query.lang ?? 'fr', PROMPTS[query.lang ?? 'fr'].expired)
      return answer(1, startCall({ callSid: call.CallSid, caller: call.From, language: query.lang ?? 'fr', open: ready() && !elections.isEmpty() }))
    }
    // A repeat of a webhook already answered: the same answer, and no effect a second time.
    if (query.s !== String(state.seq)) return state.lastTwiml
    const input: CallInput = call.Digits === undefined || call.Digits === '' ? { kind: 'silence' } : { kind: 'keys', digits: call.Digits }
    return answer(state.seq + 1, advance(state, input))
  }

  router.post(PHONE_VOICE_PATH, async (req: Request, res: Response) => {
    const call = readWebhook(req, res)
    if (call === undefined) return
    const query = VoiceQuerySchema.parse(req.query)
    try {
      if (isEndedCallStatus(call.CallStatus)) {
        await forget(call)
        return sendTwiml(res, EMPTY_TWIML)
      }
      const locked = await calls.withLock(call.CallSid, () => takeWebhook(call, query))
      if (!locked.ok) throw new Error(`call ${call.CallSid}: another webhook of this call held its lock too long`)
      sendTwiml(res, locked.value)
    } catch (err) {
      // The caller hears why the call stops instead of the provider's "application error".
      logger.error({ err, callSid: call.CallSid }, 'phone: webhook failed')
      phoneMetrics.callEnded('technical-problem')
      sendTwiml(res, hangUp(query.lang ?? 'fr', PROMPTS[query.lang ?? 'fr'].technicalProblem))
    }
  })

  router.post(PHONE_STATUS_PATH, async (req: Request, res: Response) => {
    const call = readWebhook(req, res)
    if (call === undefined) return
    if (isEndedCallStatus(call.CallStatus)) await forget(call)
    sendTwiml(res, EMPTY_TWIML)
  })

  // A form the body parser refused (too large, badly encoded) is the sender's fault, not a 500.
  router.use([PHONE_VOICE_PATH, PHONE_STATUS_PATH], (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: unknown } | undefined)?.status
    if (res.headersSent || typeof status !== 'number' || status < 400 || status >= 500) return next(err)
    res.status(status).type('text/plain').send(`${status === 413 ? 'Payload too large' : 'Bad request'}: not a voice webhook.\n`)
  })

  return router
}
