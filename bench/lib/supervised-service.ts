// A service process kept running the way a supervisor (systemd's Restart=always) would: the
// benchmark may kill it with SIGKILL and start it again, and a process that exits on its own
// (it lost a server it depends on) is counted and started again too.
import type { ServiceProcess } from '../../test/helpers/distributed.js'

export type ServiceStarter = () => Promise<ServiceProcess>

export class SupervisedService {
  current: ServiceProcess | undefined
  /** Exits nobody asked for, with what the process printed last. */
  readonly unplannedExits: string[] = []
  kills = 0
  private stopping = false
  private planned = false

  constructor(
    readonly name: string,
    private readonly start: ServiceStarter,
  ) {}

  async launch(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const proc = await this.start()
        this.current = proc
        void proc.exited.then(({ code, signal }) => {
          if (this.stopping || this.planned || this.current !== proc) return
          this.unplannedExits.push(`${this.name} exited (${code ?? signal}): ${lastLines(proc)}`)
          void this.launch()
        })
        return
      } catch (err) {
        // Starting while a server it needs is down fails: try again, as a supervisor would.
        if (this.stopping || attempt >= 20) throw err
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
  }

  /** kill -9, then start again at once. */
  async killAndRestart(): Promise<void> {
    const proc = this.current
    if (proc === undefined) return
    this.planned = true
    proc.child.kill('SIGKILL')
    await proc.exited
    this.kills++
    this.planned = false
    await this.launch()
  }

  /**
   * SIGTERM, as systemd stops a unit; a process still running after `graceMs` is killed, as
   * systemd does after TimeoutStopSec, and said so on stderr (a clean stop that hangs is a finding).
   */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true
    const proc = this.current
    if (proc === undefined) return
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      proc.stop().then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
    ])
    clearTimeout(timer)
    if (!timedOut) return
    process.stderr.write(`${this.name} did not stop within ${graceMs / 1000} s of SIGTERM; killed (SIGKILL). Its last lines: ${lastLines(proc)}\n`)
    proc.child.kill('SIGKILL')
    await proc.exited
  }
}

/** What a service printed last, on one line, for a report. */
function lastLines(proc: ServiceProcess): string {
  return proc.output().trim().split('\n').slice(-3).join(' | ').slice(0, 400)
}
