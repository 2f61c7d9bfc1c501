// Live figures for the desk's pages, where JavaScript runs: the dashboard's counts change in
// place, and a list that cannot be patched row by row says when it changed. Without JavaScript
// the pages reload on their own (a meta refresh in <noscript>) and have an "Actualiser" link.
// Served by the desk itself, the only script its Content-Security-Policy allows.
'use strict'
;(function () {
  if (typeof EventSource === 'undefined') return
  var firstVersion
  var source = new EventSource('/events')
  source.addEventListener('figures', function (event) {
    var figures = JSON.parse(event.data)
    if (firstVersion === undefined) firstVersion = figures.version
    Object.keys(figures.cells).forEach(function (key) {
      var text = figures.cells[key]
      var parts = key.split('|')
      var cell
      if (parts.length === 3) {
        var table = document.getElementById(parts[0])
        var row = table && table.querySelector('tr[data-area="' + CSS.escape(parts[1]) + '"]')
        cell = row && row.querySelector('td[data-field="' + CSS.escape(parts[2]) + '"]')
      } else {
        cell = document.querySelector('[data-live="' + CSS.escape(key) + '"]')
      }
      if (cell && cell.textContent !== text) cell.textContent = text
    })
    // A list is not patched row by row: it keeps its own time and says when it is out of date.
    var stale = document.getElementById('live-stale')
    if (stale) {
      if (figures.version !== firstVersion) stale.hidden = false
      return
    }
    document.querySelectorAll('[data-live="as-of"]').forEach(function (el) {
      el.textContent = figures.asOf
    })
  })
})()
