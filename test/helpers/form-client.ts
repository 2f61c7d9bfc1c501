// A browser-less client of the officials' web form: one cookie jar, redirects not followed (the
// tests assert each 303), forms posted as a browser posts them. For what a real browser cannot
// be made to do on cue (two confirms at once, a forged post); the browser tests use Chromium.

export interface Page {
  status: number
  location: string | undefined
  headers: Headers
  html: string
}

export interface SheetFile {
  name: string
  type: string
  bytes: Uint8Array
}

export class FormClient {
  cookie: string | undefined

  constructor(readonly baseUrl: string) {}

  private async send(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers)
    if (this.cookie !== undefined) headers.set('cookie', this.cookie)
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' })
    const set = res.headers.get('set-cookie')
    if (set) {
      const pair = set.split(';')[0] ?? ''
      this.cookie = pair.endsWith('=') ? undefined : pair
    }
    return { status: res.status, location: res.headers.get('location') ?? undefined, headers: res.headers, html: await res.text() }
  }

  get(path: string): Promise<Page> {
    return this.send(path, { method: 'GET' })
  }

  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.send(path, { method: 'POST', body: new URLSearchParams(fields), headers })
  }

  postSheet(fields: Record<string, string>, file?: SheetFile): Promise<Page> {
    const body = new FormData()
    for (const [k, v] of Object.entries(fields)) body.append(k, v)
    if (file) body.append('scan', new Blob([file.bytes], { type: file.type }), file.name)
    return this.send('/saisie/feuille', { method: 'POST', body })
  }

  /** The hidden session field of the last page: what every form of it posts back. */
  static token(html: string): string {
    const match = /name="jeton" value="([^"]+)"/.exec(html)
    if (!match?.[1]) throw new Error('no session field on this page')
    return match[1]
  }

  /** Signs in and lands on the sheet; returns its page. */
  async signIn(code: string, pin: string): Promise<Page> {
    const answer = await this.post('/saisie/connexion', { code, pin })
    if (answer.status !== 303 || answer.location !== '/saisie/feuille') throw new Error(`sign-in failed: ${answer.status}`)
    return this.get('/saisie/feuille')
  }
}

/** The value of an input of the page, HTML entities as mustache writes them decoded. */
export function inputValue(html: string, id: string): string | undefined {
  const match = new RegExp(`<input id="${id}"[^>]* value="([^"]*)"`).exec(html)
  return match?.[1] === undefined ? undefined : decodeEntities(match[1])
}

export function decodeEntities(s: string): string {
  return s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#x2F;', '/')
    .replaceAll('&#x60;', '`')
    .replaceAll('&#x3D;', '=')
    .replaceAll('&amp;', '&')
}
