// Structured logs (pino, JSON lines on stderr so stdout stays free for command output).
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string, name = 'elections'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }))
}

/** A logger that drops everything: for tests that assert on behaviour, not on logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
