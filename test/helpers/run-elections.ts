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

export function startElections(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'elections.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<RunResult>((resolveDone) => {
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }))
  })
  return { child, done }
}

export function runElections(args: string[], env: Record<string, string>): Promise<RunResult> {
  return startElections(args, env).done
}

/** Letters only, upper case, accents removed: "Mélenchon" and "MÉLENCHON" both give "MELENCHON". */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z]/g, '').toUpperCase()
}
