// Real services named by variables: TEST_DATABASE_URL (a superuser connection), TEST_REDIS_URL,
// TEST_KAFKA_BROKERS, TEST_KAFKA_SASL_BROKERS (with TEST_KAFKA_SCRAM_FILE), TEST_S3_ENDPOINT,
// TEST_VARNISH_URL, TEST_NGINX_URL, and the binaries the serving-tier tests start their own
// instances of: TEST_NGINX_BIN, TEST_VARNISHD_BIN. `.ci/run` brings the
// stack up and sets every one of them, so in CI these tests always run; an unset variable there
// is a failure. On a developer's machine an unset variable skips the test, saying which.
import { readFileSync } from 'node:fs'
import type { Test } from 'tap'

export type RealServiceVariable =
  | 'TEST_DATABASE_URL'
  | 'TEST_REDIS_URL'
  | 'TEST_KAFKA_BROKERS'
  | 'TEST_KAFKA_SASL_BROKERS'
  | 'TEST_S3_ENDPOINT'
  | 'TEST_VARNISH_URL'
  | 'TEST_NGINX_URL'
  | 'TEST_NGINX_BIN'
  | 'TEST_VARNISHD_BIN'

/** The variable's value, or undefined after failing (CI) or skipping (elsewhere) the test. */
export function realService(t: Test, variable: RealServiceVariable): string | undefined {
  const value = process.env[variable]
  if (value) return value
  if (process.env.CI) {
    t.fail(`${variable} is not set: CI must run this test against the real service (bash .ci/run sets it)`)
    return undefined
  }
  t.plan(0, `${variable} unset: no such service named on this machine`)
  return undefined
}

/** A name unique to this test process and moment, for topics, buckets, key prefixes, databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`
}

/**
 * The SCRAM users' passwords of the broker's SASL listener (`user=password` lines in
 * TEST_KAFKA_SCRAM_FILE, written by ops/kafka/kafka.sh), or undefined after failing the test:
 * ops/stack gives that variable together with TEST_KAFKA_SASL_BROKERS.
 */
export function kafkaScramPasswords(t: Test): Map<string, string> | undefined {
  const file = process.env.TEST_KAFKA_SCRAM_FILE
  if (!file) {
    t.fail('TEST_KAFKA_SCRAM_FILE is not set: ops/stack env gives it with TEST_KAFKA_SASL_BROKERS')
    return undefined
  }
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('='))
  return new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const))
}
