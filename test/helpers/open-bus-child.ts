// Child process for embedded-bus.test.ts: tries to open a bus folder another process holds.
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'

try {
  const bus = await openEmbeddedBus(process.argv[2] ?? '')
  await bus.close()
  process.exit(0)
} catch (err) {
  process.stderr.write(String(err))
  process.exit(3)
}
