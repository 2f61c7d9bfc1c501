// The phone channel's instruments: how calls end (the ops team watches lockouts and calls that
// could not be recorded), and webhooks refused for their signature.
import { Counter, type Registry } from '../../infra/metrics.js'
import type { EndReason } from './ivr-flow.js'

export type CallOutcome = EndReason | 'hung-up' | 'technical-problem'

export interface PhoneMetrics {
  callEnded(outcome: CallOutcome): void
  signatureRefused(): void
}

export function createPhoneMetrics(registry: Registry): PhoneMetrics {
  const calls = new Counter({
    name: 'ingest_phone_calls_total',
    help: 'Phone calls by how they ended',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const refused = new Counter({
    name: 'ingest_phone_signature_refusals_total',
    help: 'Phone webhooks refused because their X-Twilio-Signature was missing or wrong',
    registers: [registry],
  })
  return {
    callEnded: (outcome) => calls.inc({ outcome }),
    signatureRefused: () => refused.inc(),
  }
}
