// Peak resident memory of processes, read from the kernel's own high-water mark (VmHWM in
// /proc/PID/status), and the CPU time they used, sampled until the watch stops. A name whose
// process is restarted (a benchmark that kills services) keeps the highest peak any of its
// processes reached, and the CPU of all of them (up to each one's last sample).
import { readFileSync } from 'node:fs'
import { processCpuMs } from './process-cpu.js'

/** Peak resident memory of a live process, in MB; undefined once it is gone. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Math.round(Number(m[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

export interface ProcessFigures {
  peakRssMb: number
  cpuSeconds: number
}

/** Samples every 250 ms the processes `pids()` names at that moment; `stop()` gives each name's peak and CPU. */
export function watchPeaks(pids: () => Record<string, number | undefined>): { stop(): Record<string, ProcessFigures> } {
  const peaks: Record<string, number> = {}
  /** Last CPU reading of each process, per name. */
  const cpu: Record<string, Map<number, number>> = {}
  const sample = () => {
    for (const [name, pid] of Object.entries(pids())) {
      if (pid === undefined) continue
      const mb = peakRssMb(pid)
      if (mb !== undefined) peaks[name] = Math.max(peaks[name] ?? 0, mb)
      try {
        ;(cpu[name] ??= new Map()).set(pid, processCpuMs(pid))
      } catch {
        // Gone between the two reads: its last sample stands.
      }
    }
  }
  const timer = setInterval(sample, 250)
  return {
    stop() {
      sample()
      clearInterval(timer)
      return Object.fromEntries(
        Object.entries(peaks).map(([name, mb]) => [name, { peakRssMb: mb, cpuSeconds: [...(cpu[name]?.values() ?? [])].reduce((a, b) => a + b, 0) / 1000 }]),
      )
    },
  }
}

/** One report line per watched name: its peak RSS and CPU time. */
export function peakLines(peaks: Record<string, ProcessFigures>): string[] {
  return Object.entries(peaks).map(([name, f]) => `  ${name}: peak RSS ${f.peakRssMb} MB, CPU ${f.cpuSeconds.toFixed(1)} s`)
}
