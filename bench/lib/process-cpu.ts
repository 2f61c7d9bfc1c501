// CPU time a process has used so far (user + system), read from /proc: Linux only, as this
// machine is. Throughput on a shared 2-core machine moves with whatever else runs; the CPU time
// a server spends per request moves far less, so the benchmarks print both.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

/** Milliseconds of CPU used by `pid` since it started (resolution: one clock tick, 10 ms here). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat`)
  return ((utime + stime) * 1000) / TICKS_PER_SECOND
}

/** Runs `work` and returns its result with the CPU milliseconds `pid` used meanwhile. */
export async function withCpuOf<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = processCpuMs(pid)
  const result = await work()
  return { result, cpuMs: processCpuMs(pid) - before }
}
