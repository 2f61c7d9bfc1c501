// `elections credentials issue|token`: open the bus the services read, then hand over to
// credentials.ts. Issuing reads the election from a results file, as `election load` does.
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import type { TokenScope } from '../core/credentials.js'
import { readResultsFile } from './import/results-file.js'
import { issueClientToken, issueCredentials } from './credentials.js'
import { openBus } from './adapters.js'
import { createProgress } from './progress.js'

/**
 * What is wrong with the channels the sheets will print, if anything: checked before a PIN is
 * issued, since issuing again replaces every PIN handed out.
 */
export function sheetChannelsProblem(options: { phoneNumber: string | undefined; formUrl: string | undefined }): string | undefined {
  if (options.phoneNumber !== undefined && options.phoneNumber.trim() === '') return '--phone needs the number presidents call, e.g. --phone "01 23 45 67 89"'
  if (options.formUrl === undefined) return undefined
  const example = 'e.g. --form-url https://resultats.example.org/saisie/'
  let url: URL
  try {
    url = new URL(options.formUrl)
  } catch {
    return `--form-url must be the web form's full address, ${example}; "${options.formUrl}" is not one`
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `--form-url must be an https:// address, ${example}`
  return undefined
}

export async function runCredentialsIssue(
  config: Config,
  logger: Logger,
  options: { file: string; outDir: string; phoneNumber: string | undefined; formUrl: string | undefined; stations: string[] | undefined },
): Promise<number> {
  if (options.formUrl?.startsWith('http:')) {
    process.stderr.write(`warning: the sheets send presidents to ${options.formUrl}: over plain http their PINs cross the network in clear\n`)
  }
  const imported = await readResultsFile(options.file)
  const bus = await openBus(config, logger, 'tools')
  const progress = createProgress('PINs hashed')
  let result: Awaited<ReturnType<typeof issueCredentials>>
  try {
    result = await issueCredentials({
      bus,
      definition: imported.definition,
      outDir: options.outDir,
      stations: options.stations,
      phoneNumber: options.phoneNumber,
      formUrl: options.formUrl,
      onProgress: ({ hashed, total }) => progress.update(hashed, total),
    })
  } finally {
    progress.stop()
    await bus.close()
  }
  process.stdout.write(`issued ${result.issued} station credentials\nCSV     ${result.csvPath}\nsheets  ${result.sheetPaths.length} communes under ${options.outDir}\n`)
  return 0
}

export async function runClientToken(config: Config, logger: Logger, options: { client: string; scope: TokenScope }): Promise<number> {
  const bus = await openBus(config, logger, 'tools')
  try {
    await issueClientToken({ bus, client: options.client, scope: options.scope })
    return 0
  } finally {
    await bus.close()
  }
}
