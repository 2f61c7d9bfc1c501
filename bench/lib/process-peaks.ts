// Peak resident memory of processes, read from the kernel's own high-water mark (VmHWM in
// /proc/PID/status), sampled until the watch stops. A name whose process is restarted (a
// benchmark that kills services) keeps the highest peak any of its processes reached.
import { readFileSync } from 'node:fs'

/** Peak resident memory of a live process, in MB; undefined once it is gone. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Math.round(Number(m[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

/** Samples every 250 ms the processes `pids()` names at that moment; `stop()` gives each name's peak. */
export function watchPeaks(pids: () => Record<string, number | undefined>): { stop(): Record<string, number> } {
  const peaks: Record<string, number> = {}
  const sample = () => {
    for (const [name, pid] of Object.entries(pids())) {
      const mb = pid === undefined ? undefined : peakRssMb(pid)
      if (mb !== undefined) peaks[name] = Math.max(peaks[name] ?? 0, mb)
    }
  }
  const timer = setInterval(sample, 250)
  return {
    stop() {
      sample()
      clearInterval(timer)
      return peaks
    },
  }
}
