// Escaping for the XML the publisher writes (Atom feed, sitemaps): element content and quoted
// attribute values.
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c)
}

/** The public site's base URL without a trailing slash, for the absolute URLs feeds and sitemaps need. */
export function siteBase(siteUrl: string): string {
  return siteUrl.replace(/\/+$/, '')
}
