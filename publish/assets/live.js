// Optional: the pages need no JavaScript. With it, a page refreshes its figures in place: every
// 15 s (the pages' max-age is 10 s) it asks for index.json with If-None-Match, which costs a 304
// and no body while nothing changed; when the snapshot moved, it fetches the page again and swaps
// the <main> element, then reads the new summary sentence to screen readers.
(function () {
  'use strict'
  // An embedder (or a test) may set window.resultsRefreshMs before the script runs.
  var REFRESH_MS = window.resultsRefreshMs || 15000
  var main = document.getElementById('live')
  var status = document.getElementById('live-status')
  if (!main || !window.fetch || !window.DOMParser) return
  var etag = null
  var snapshot = main.getAttribute('data-snapshot')
  var page = location.href.split('#')[0]
  var data = new URL('index.json', page).href

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('live')
    if (!fresh) return
    main.replaceWith(fresh)
    main = fresh
    snapshot = fresh.getAttribute('data-snapshot')
    var summary = fresh.querySelector('.summary')
    if (status && summary) status.textContent = summary.textContent
  }

  function check() {
    if (document.hidden) return Promise.resolve()
    // A request with If-None-Match is sent past the browser's cache, which then adds
    // "Cache-Control: no-cache" unless one is given; servers that read it (express) would answer
    // 200 with the body every time. max-age=0 asks for the same revalidation and allows the 304.
    var headers = etag ? { 'If-None-Match': etag, 'Cache-Control': 'max-age=0' } : {}
    return fetch(data, { headers: headers, cache: 'no-store' }).then(function (res) {
      if (res.status !== 200) return
      etag = res.headers.get('ETag')
      return res.json().then(function (doc) {
        if (String(doc.snapshot) === snapshot) return
        return fetch(page, { cache: 'no-store' }).then(function (r) {
          return r.ok ? r.text().then(swap) : undefined
        })
      })
    })
  }

  function loop() {
    setTimeout(function () {
      // A failed check (offline, a 5xx) is retried at the next turn; the page keeps its figures.
      check().then(loop, loop)
    }, REFRESH_MS)
  }
  loop()
})()
