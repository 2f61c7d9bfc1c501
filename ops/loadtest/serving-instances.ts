// Private nginx and varnishd instances on free loopback ports, each in its own temporary prefix,
// for the serving-tier tests (test/ops/serving-tier.test.ts) and the load benchmark (run.ts).
// They run the project's own files (ops/nginx/nginx.conf, ops/varnish/default.vcl) with only the
// ports rewritten, or a given config (the benchmark's default-config baselines), in the
// foreground as children of this process: stopping one never touches the shared stack.
// Imports nothing from the project's code (ops/README.md).
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, openSync } from 'node:fs'
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const NGINX_CONF = fileURLToPath(new URL('../nginx/nginx.conf', import.meta.url))
export const NGINX_ERRORS = fileURLToPath(new URL('../nginx/errors', import.meta.url))
export const VCL = fileURLToPath(new URL('../varnish/default.vcl', import.meta.url))

const READY_TIMEOUT_MS = 20_000

/** A loopback port free right now (the kernel's choice; nothing else on this host takes it first in practice). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no TCP address for a free port')
  return address.port
}

/** Replaces each `from` of the text by its `to`, failing when one is absent (the file changed shape). */
export function rewrite(text: string, file: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  let out = text
  for (const [from, to] of replacements) {
    if (!out.includes(from)) throw new Error(`${file} no longer contains "${from}": update the port rewrite in ops/loadtest/serving-instances.ts`)
    out = out.split(from).join(to)
  }
  return out
}

/**
 * A world-readable temporary folder: nginx's workers (nobody) and Varnish's compiler and child
 * (vcache) run as unprivileged users when started as root.
 */
export async function publicTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join('/tmp', `${prefix}-`))
  await chmod(dir, 0o755)
  return dir
}

interface Daemon {
  readonly child: ChildProcess
  readonly log: string
  /** Stops the process (SIGTERM, SIGKILL after 10 s) and waits for its exit. */
  stop(): Promise<void>
}

async function startDaemon(command: string, args: string[], log: string): Promise<Daemon> {
  await writeFile(log, '')
  const fd = openSync(log, 'a')
  const child = spawn(command, args, { stdio: ['ignore', fd, fd] })
  closeSync(fd) // the child has its own copy
  const exited = once(child, 'exit')
  // A test or benchmark that dies without its teardown must not leave a server behind.
  const orphanGuard = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  }
  process.once('exit', orphanGuard)
  return {
    child,
    log,
    async stop() {
      process.off('exit', orphanGuard)
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

async function logTail(log: string): Promise<string> {
  const text = await readFile(log, 'utf8').catch(() => '')
  return text.split('\n').slice(-20).join('\n')
}

/** Waits until `ready()` is true, failing with the daemon's log if it exits or takes too long. */
async function waitReady(name: string, daemon: Daemon, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (daemon.child.exitCode !== null) throw new Error(`${name} exited (${daemon.child.exitCode}):\n${await logTail(daemon.log)}`)
    if (await ready().catch(() => false)) return
    if (Date.now() > deadline) {
      await daemon.stop()
      throw new Error(`${name} not ready after ${READY_TIMEOUT_MS} ms:\n${await logTail(daemon.log)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
  await res.arrayBuffer()
  return res.status === 200
}

export interface NginxInstance {
  /** The prefix (-p): logs under nginx/logs, the served folder `root`. */
  prefix: string
  /** The served folder (the site's root, like OUTPUT_DIR). */
  root: string
  site: string
  ingest: string
  desk: string
  /** nginx's stub_status at /stub_status. */
  monitoring: string
  stop(): Promise<void>
}

export interface NginxOptions {
  nginx?: string
  /** Ports of the upstreams ingest and desk proxy to (default: unused free ports). */
  ingestUpstreamPort?: number
  deskUpstreamPort?: number
  /** A whole config instead of the project's (the benchmark's bare nginx); `{port}` and `{root}` are filled in. */
  config?: string
  /** Serve this folder instead of an empty one in the prefix. */
  root?: string
}

/** The project's nginx (or `config`) on free loopback ports, serving an empty folder or `root`. */
export async function startNginx(options: NginxOptions = {}): Promise<NginxInstance> {
  const prefix = await publicTempDir('serving-nginx')
  const root = options.root ?? join(prefix, 'static-out')
  await Promise.all(['nginx/logs', 'nginx/tmp', 'static-out'].map((dir) => mkdir(join(prefix, dir), { recursive: true })))
  await chmod(join(prefix, 'static-out'), 0o755)
  await cp(NGINX_ERRORS, join(prefix, 'nginx/errors'), { recursive: true })
  const [site, ingest, desk, monitoring] = [await freePort(), await freePort(), await freePort(), await freePort()]
  const config = options.config
    ? options.config.replaceAll('{port}', String(site)).replaceAll('{root}', root)
    : rewrite(await readFile(NGINX_CONF, 'utf8'), NGINX_CONF, [
        ['listen 127.0.0.1:8090', `listen 127.0.0.1:${site}`],
        ['listen 127.0.0.1:8091', `listen 127.0.0.1:${ingest}`],
        ['listen 127.0.0.1:8092', `listen 127.0.0.1:${desk}`],
        ['listen 127.0.0.1:8093', `listen 127.0.0.1:${monitoring}`],
        ['server 127.0.0.1:8082', `server 127.0.0.1:${options.ingestUpstreamPort ?? (await freePort())}`],
        ['server 127.0.0.1:8081', `server 127.0.0.1:${options.deskUpstreamPort ?? (await freePort())}`],
        ['root static-out;', `root ${root};`],
      ])
  const conf = join(prefix, 'nginx.conf')
  await writeFile(conf, config)
  const args = ['-p', `${prefix}/`, '-c', conf, '-e', join(prefix, 'nginx/logs/error.log'), '-g', 'daemon off;']
  const daemon = await startDaemon(options.nginx ?? 'nginx', args, join(prefix, 'nginx/logs/stderr.log'))
  const siteUrl = `http://127.0.0.1:${site}`
  // The bare config has no /healthz: any answer from the site proves it listens.
  await waitReady('nginx', daemon, async () => {
    const res = await fetch(`${siteUrl}/healthz`, { signal: AbortSignal.timeout(1000) })
    await res.arrayBuffer()
    return res.status === 200 || res.status === 404
  })
  return {
    prefix,
    root,
    site: siteUrl,
    ingest: `http://127.0.0.1:${ingest}`,
    desk: `http://127.0.0.1:${desk}`,
    monitoring: `http://127.0.0.1:${monitoring}`,
    async stop() {
      await daemon.stop()
      await rm(prefix, { recursive: true, force: true })
    },
  }
}

export interface VarnishInstance {
  url: string
  /** The working folder (-n), for varnishstat / varnishadm. */
  dir: string
  /** The counters named (e.g. MAIN.backend_req), read with varnishstat. */
  counters(...names: string[]): Promise<Record<string, number>>
  /** varnishadm's output for one command (e.g. backend.list). */
  admin(...command: string[]): Promise<string>
  /** Stops varnishd; the working folder is removed by `remove()`. */
  stop(): Promise<void>
}

export interface VarnishOptions {
  varnishd?: string
  /** A whole VCL instead of the project's; `{backendPort}` is filled in. */
  vcl?: string
  storage?: string
  /** -p parameters (name=value). */
  params?: string[]
  /** Answers checked before the instance counts as ready (default /healthz through the backend). */
  readyPath?: string
}

/** The project's Varnish (or `vcl`) on free loopback ports, in front of 127.0.0.1:`backendPort`. */
export async function startVarnish(backendPort: number, options: VarnishOptions = {}): Promise<VarnishInstance> {
  const dir = await publicTempDir('serving-varnish')
  const vcl = options.vcl
    ? options.vcl.replaceAll('{backendPort}', String(backendPort))
    : rewrite(await readFile(VCL, 'utf8'), VCL, [['.port = "8090";', `.port = "${backendPort}";`]])
  const vclFile = join(dir, 'default.vcl')
  await writeFile(vclFile, vcl, { mode: 0o644 })
  const [port, adminPort] = [await freePort(), await freePort()]
  const args = [
    '-F', '-a', `127.0.0.1:${port}`, '-T', `127.0.0.1:${adminPort}`, '-n', dir, '-f', vclFile,
    '-s', options.storage ?? 'malloc,64m',
    ...(options.params ?? []).flatMap((param) => ['-p', param]),
  ]
  const daemon = await startDaemon(options.varnishd ?? 'varnishd', args, join(dir, 'varnishd.log'))
  const url = `http://127.0.0.1:${port}`
  await waitReady('varnishd', daemon, () => answers(`${url}${options.readyPath ?? '/healthz'}`))
  const run = promisify(execFile)
  return {
    url,
    dir,
    async counters(...names) {
      const { stdout } = await run('varnishstat', ['-n', dir, '-1', ...names.flatMap((name) => ['-f', name])])
      const values: Record<string, number> = {}
      for (const line of stdout.split('\n')) {
        const [name, value] = line.trim().split(/\s+/)
        if (name && value) values[name] = Number(value)
      }
      for (const name of names) if (values[name] === undefined) throw new Error(`varnishstat has no counter ${name}`)
      return values
    },
    async admin(...command) {
      return (await run('varnishadm', ['-n', dir, ...command])).stdout
    },
    async stop() {
      await daemon.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
