// The compiled renderer must give exactly what Mustache.render gives: on hand-made templates that
// exercise each rule of mustache.js's name lookup, and on every page the publisher renders for the
// two fixture elections (national with its map, région, département, commune, station, contest;
// French and English; partial and complete counts; hostile names).
import t from 'tap'
import type { Test } from 'tap'
import Mustache from 'mustache'
import type { ElectionDefinition, StationResult } from '../../core/schemas.js'
import { createTemplateRenderer } from '../../infra/mustache-renderer.js'
import { buildAreaDocument, stationPath, areaPath, contestPath } from '../../publish/area-document.js'
import { pageView } from '../../publish/area-page.js'
import { buildContestDocument } from '../../publish/contest-document.js'
import { nationalExtras } from '../../publish/page-writer.js'
import { PAGE_LANGS } from '../../publish/page-labels.js'
import { buildStationDocument } from '../../publish/station-document.js'
import { TallyTree } from '../../publish/tally-tree.js'
import { escapeHtml, pagePartials, renderTemplate, templates } from '../../publish/templates.js'
import { legislativeElection, legislativeResult } from '../fixtures/legislative-election.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { squaresMap } from '../helpers/publisher-harness.js'

const reference = (template: string, view: object, partials: Record<string, string> = {}) => Mustache.render(template, view, partials, { escape: escapeHtml })

t.test('name lookup, sections and partials as mustache.js does them', async (t) => {
  const cases: { template: string; view: object; partials?: Record<string, string> }[] = [
    { template: 'a {{x}} b {{{x}}} c {{&x}}', view: { x: '<b>"Ré" & \'co\'</b>' } },
    { template: '{{n}} {{zero}} {{f}} {{nul}} {{undef}} {{missing}} {{t}}', view: { n: 12.5, zero: 0, f: false, nul: null, undef: undefined, t: true } },
    { template: '{{#list}}[{{.}}]{{/list}}{{^list}}none{{/list}}', view: { list: ['a', '<', 3] } },
    { template: '{{#list}}[{{.}}]{{/list}}{{^list}}none{{/list}}', view: { list: [] } },
    { template: '{{#list.length}}{{list.length}} items{{/list.length}}{{^list.length}}empty{{/list.length}}', view: { list: [1, 2] } },
    { template: '{{#list.length}}{{list.length}} items{{/list.length}}{{^list.length}}empty{{/list.length}}', view: { list: [] } },
    { template: '{{#rows}}{{label}}:{{#cells}}<{{.}}>{{/cells}}|{{title}}\n{{/rows}}', view: { title: 'outer', rows: [{ label: 'r1', cells: [1, 2] }, { label: 'r2', cells: [], title: 'inner' }] } },
    { template: '{{#o}}{{a.b.c}}/{{a.b}}/{{x.y}}{{/o}}', view: { x: { y: 'parent' }, o: { a: { b: { c: 'deep' } } } } },
    // A dotted name found on an inner view stops there even when its value is undefined.
    { template: '{{#o}}[{{a.b}}]{{/o}}', view: { a: { b: 'outer' }, o: { a: { b: undefined } } } },
    // A dotted name on a primitive: the string's own length, not a parent's.
    { template: '{{#s}}{{s.length}}{{/s}}', view: { s: 'abcd' } },
    { template: '{{#flag}}yes {{name}}{{/flag}}{{^flag}}no{{/flag}}', view: { flag: true, name: 'N' } },
    { template: '{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}', view: { flag: 0 } },
    { template: '{{#str}}[{{.}}]{{/str}}{{#num}}({{.}}){{/num}}', view: { str: 'text', num: 7 } },
    { template: '{{! a comment }}x{{=<% %>=}}<%y%><%={{ }}=%>{{z}}', view: { y: 1, z: 2 } },
    { template: '<ul>\n{{#items}}\n<li>{{> item}}</li>\n{{/items}}\n</ul>\n{{> footer}}', view: { items: [{ n: 'a' }, { n: 'b&c' }], year: 2027 }, partials: { item: '{{n}} ({{year}})', footer: '<p>{{year}}</p>\n' } },
    { template: '{{#a}}\n  {{#b}}\n  {{c}}\n  {{/b}}\n{{/a}}\n', view: { a: { b: [{ c: 1 }, { c: 2 }] } } },
    // Partials re-indented as mustache.js does: standalone after spaces, and after text on the line.
    { template: 'x\n  {{> p}}\n\t{{> p}}\n<i>{{> p}}</i>\n', view: { v: 1 }, partials: { p: 'a{{v}}\nb\n\nc' } },
  ]
  for (const [i, c] of cases.entries()) {
    const partials = c.partials ?? {}
    const fast = createTemplateRenderer({ main: c.template }, partials, escapeHtml)
    t.equal(fast.render('main', c.view), reference(c.template, c.view, partials), `case ${i}: ${c.template.slice(0, 40)}`)
  }
})

t.test('what it refuses instead of rendering differently', async (t) => {
  t.throws(() => createTemplateRenderer({ main: '{{> missing}}' }, {}, escapeHtml), /unknown partial/)
  const r = createTemplateRenderer({ main: '{{#f}}x{{/f}}', value: '{{g}}' }, {}, escapeHtml)
  t.throws(() => r.render('main', { f: () => 'lambda' }), /not supported/)
  t.throws(() => r.render('value', { g: () => 'lambda' }), /not supported/)
  t.throws(() => createTemplateRenderer({ main: '{{#open}}' }, {}, escapeHtml), /Unclosed section/)
})

/** Every page view of an election, rendered both ways. */
function comparePages(t: Test, def: ElectionDefinition, results: readonly StationResult[], withMap: boolean): void {
  const tallies = new TallyTree(def)
  for (const r of results) tallies.apply(r)
  const options = withMap ? { map: squaresMap(t.testdir()) } : {}
  let pages = 0
  const check = (doc: Parameters<typeof pageView>[0], path: string, extras = {}) => {
    for (const lang of PAGE_LANGS) {
      const view = pageView(doc, path, lang, extras)
      const fast = renderTemplate('area', view)
      const slow = reference(templates().area, view, pagePartials())
      if (fast !== slow) t.equal(fast, slow, `${path || '/'} (${lang})`)
      pages++
    }
  }
  for (const tally of tallies.takeDirty()) {
    const extras = tally.node === tallies.tree.root ? nationalExtras(tallies, options) : {}
    check(buildAreaDocument(tallies, tally), areaPath(tally.node), extras)
    if (tally.node.area.level !== 'commune') continue
    for (const station of tallies.stationsOf(tally.node)) check(buildStationDocument(tallies, tally.node, station, { scansBaseUrl: 'https://pv.example.fr/' }), stationPath(tally.node, station))
  }
  if (def.election.contests.length > 1) for (const contest of def.election.contests) check(buildContestDocument(tallies, contest), contestPath(contest))
  t.ok(pages > 20, `${pages} pages rendered the same by both`)
}

t.test('every page of the small election, counts partial then complete, with the map', async (t) => {
  const def = smallElection()
  const results = def.stations.map((s, i) => smallStationResult(s, { seed: 3 + i * 5 }))
  comparePages(t, def, results.slice(0, 4), true)
  comparePages(t, def, results, true)
})

t.test('every page of the legislative election (several contests, contest pages)', async (t) => {
  const def = legislativeElection()
  const results = def.stations.flatMap((s, i) => legislativeResult(s, i + 1, '2027-06-11T18:30:00.000Z'))
  comparePages(t, def, results, false)
})

t.test('hostile names are escaped the same way', async (t) => {
  const def = smallElection()
  const hostile = '<script>alert("x")</script> & \'quotes\' {{mustache}}'
  const renamed: ElectionDefinition = {
    ...def,
    areas: def.areas.map((a) => ({ ...a, name: `${a.name} ${hostile}` })),
    stations: def.stations.map((s) => ({ ...s, name: `${s.name} ${hostile}` })),
    election: { ...def.election, name: hostile, contests: def.election.contests.map((c) => ({ ...c, candidates: c.candidates.map((k) => ({ ...k, name: `${k.name} ${hostile}` })) })) },
  }
  comparePages(t, renamed, renamed.stations.map((s, i) => smallStationResult(s, { seed: 11 + i })), true)
})
