// Private instances of the stack's servers, each in its own folder on its own ports, for the
// tests and benchmarks that stop or restart a server: the shared stack's PostgreSQL, Redis and
// Kafka serve other people's tests and must never be restarted.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from './run-elections.js'

const run = promisify(execFile)
const KAFKA = join(REPO_ROOT, 'ops', 'kafka', 'kafka.sh')

export interface PrivateServer {
  /** How clients reach it: a broker list or a URL. */
  address: string
  start(): Promise<void>
  stop(): Promise<void>
}

/** A Kafka broker of its own (ops/kafka/kafka.sh in `dir`), on `port`, `port + 1` (controller) and `port + 2` (SASL). */
export function privateBroker(dir: string, port = 19092): PrivateServer {
  const env = {
    ...process.env,
    KAFKA_RUN_DIR: join(dir, 'kafka'),
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 1),
    // Its SASL listener too: the shared stack's broker holds 9094.
    KAFKA_SASL_PORT: String(port + 2),
    KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
  }
  return {
    address: `127.0.0.1:${port}`,
    start: async () => void (await run('bash', [KAFKA, 'start'], { env, timeout: 120_000 })),
    stop: async () => void (await run('bash', [KAFKA, 'stop'], { env, timeout: 60_000 })),
  }
}

/** The newest PostgreSQL server binaries installed (/usr/lib/postgresql/N/bin). */
function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
  if (versions[0] === undefined) throw new Error('no PostgreSQL server under /usr/lib/postgresql')
  return join('/usr/lib/postgresql', versions[0], 'bin')
}

/**
 * A PostgreSQL cluster of its own (initdb in `dir`), trusting local connections, superuser
 * `postgres`. initdb and postgres refuse to run as root: as root the cluster belongs to, and runs
 * as, the system's `postgres` user.
 */
export async function privatePostgres(dir: string, port = 15432): Promise<PrivateServer & { restart(mode: 'fast' | 'immediate'): Promise<void> }> {
  const bin = postgresBin()
  const data = join(dir, 'pgdata')
  const asRoot = process.getuid?.() === 0
  mkdirSync(dir, { recursive: true })
  if (asRoot) {
    const { uid, gid } = statSync('/var/lib/postgresql')
    chmodSync(dir, 0o755)
    mkdirSync(data, { recursive: true })
    chownSync(data, uid, gid)
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout: 120_000 }) : run(join(bin, tool), args, { timeout: 120_000 })
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -k ${data} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on`
  const log = join(data, 'server.log')
  return {
    address: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => void (await pg('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', 'start'])),
    stop: async () => void (await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])),
    restart: async (mode) => void (await pg('pg_ctl', ['-D', data, '-l', log, '-o', options, '-m', mode, '-w', 'restart'])),
  }
}

/** A redis-server of its own on `port`, without persistence (a restart starts it empty, the harshest case). */
export function privateRedis(dir: string, port = 16379): PrivateServer {
  let child: ChildProcess | undefined
  return {
    address: `redis://127.0.0.1:${port}`,
    async start() {
      mkdirSync(dir, { recursive: true })
      const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
      child = server
      process.once('exit', () => server.kill('SIGKILL'))
      for (let i = 0; ; i++) {
        try {
          await run('redis-cli', ['-p', String(port), 'ping'], { timeout: 2000 })
          return
        } catch (err) {
          if (i > 50 || server.exitCode !== null) throw new Error(`redis-server on ${port} did not start: ${String(err)}`, { cause: err })
          await new Promise((r) => setTimeout(r, 100))
        }
      }
    },
    async stop() {
      const server = child
      if (server === undefined || server.exitCode !== null || server.signalCode !== null) return
      const exited = once(server, 'exit')
      server.kill('SIGTERM')
      await exited
    },
  }
}
