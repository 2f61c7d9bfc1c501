// The desk's Prometheus instruments: what ops watch on the night for someone guessing passwords
// or forms posted from elsewhere.
import { Counter, type Registry } from '../../infra/metrics.js'

export type LoginOutcome = 'ok' | 'refused' | 'locked-out'

export type DeskMetrics = ReturnType<typeof createDeskMetrics>

export function createDeskMetrics(registry: Registry) {
  const registers = [registry]
  const logins = new Counter({
    name: 'desk_logins_total',
    help: 'Login attempts on the desk, by outcome (refused: wrong or disabled credentials; locked-out: refused unchecked by a lockout)',
    labelNames: ['outcome'] as const,
    registers,
  })
  const csrfRefusals = new Counter({
    name: 'desk_csrf_refusals_total',
    help: 'Form posts refused because their CSRF token was missing or not the session\'s',
    registers,
  })
  return {
    login(outcome: LoginOutcome): void {
      logins.inc({ outcome })
    },
    csrfRefused(): void {
      csrfRefusals.inc()
    },
  }
}
