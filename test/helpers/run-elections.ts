// Runs the `elections` command as a user would: a child process of bin/elections.js.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..')

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Variables that switch an adapter to a real service. A test names the services it wants in
 * `env`; a developer's shell that exported the stack's variables must not switch the others.
 */
const SERVICE_VARIABLES = ['KAFKA_BROKERS', 'DATABASE_URL', 'DESK_DATABASE_URL', 'REDIS_URL', 'S3_BUCKET', 'S3_ENDPOINT', 'VARNISH_URL', 'OUTPUT_DIR', 'DATA_DIR']

export function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of SERVICE_VARIABLES) delete env[name]
  return env
}

export function startElections(args: string[], env: Record<string, string>, stdin?: string): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'elections.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnv(), LOG_LEVEL: 'warn', ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  if (stdin !== undefined) child.stdin?.end(stdin)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<RunResult>((resolveDone) => {
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }))
  })
  return { child, done }
}

export function runElections(args: string[], env: Record<string, string>, stdin?: string): Promise<RunResult> {
  return startElections(args, env, stdin).done
}

/** Letters only, upper case, accents removed: "Mélenchon" and "MÉLENCHON" both give "MELENCHON". */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z]/g, '').toUpperCase()
}
