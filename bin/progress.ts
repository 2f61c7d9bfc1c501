// A progress bar on stderr when it is a terminal; otherwise a line every tenth, so CI logs and
// piped output stay readable.
import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number, total: number): void
  stop(): void
}

export function createProgress(label: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    )
    let started = false
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0)
          started = true
        }
        bar.update(done)
      },
      stop() {
        if (started) bar.stop()
      },
    }
  }
  let lastTenth = -1
  return {
    update(done, total) {
      const tenth = total === 0 ? 10 : Math.floor((done * 10) / total)
      if (tenth !== lastTenth) {
        lastTenth = tenth
        process.stderr.write(`${label}: ${done}/${total}\n`)
      }
    },
    stop() {},
  }
}
