// A real Chromium for the browser tests, through playwright-core, on Debian's build at
// /usr/bin/chromium. In CI (CI set) a missing Chromium fails the test, never skips it; on another
// machine the test is skipped with the reason.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import type { Test } from 'tap'

export const CHROMIUM_PATH = '/usr/bin/chromium'

/** A launched browser, closed at the end of `t`; undefined after failing (CI) or skipping (elsewhere). */
export async function launchChromium(t: Test): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.CI) {
      t.fail(`${CHROMIUM_PATH} is missing: CI must install Debian's chromium package for the browser tests`)
      return undefined
    }
    t.plan(0, `${CHROMIUM_PATH} not present: the browser tests need Debian's chromium (apt-get install chromium)`)
    return undefined
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] })
  t.teardown(() => browser.close())
  return browser
}
