/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/publish/publisher.test.ts > TAP > rendered national page and index.json (snapshot) > département 94 index.json 1`] = `
{
  "area": {
    "level": "departement",
    "code": "94",
    "name": "Val-de-Marne"
  },
  "election": {
    "id": "pres-2027-t1",
    "name": "Élection présidentielle 2027, 1er tour",
    "round": 1
  },
  "snapshot": 3,
  "updatedAt": "2027-04-11T18:25:00.000Z",
  "stations": {
    "reported": 3,
    "total": 3
  },
  "registeredCovered": 100,
  "registered": 3935,
  "voters": 2914,
  "blank": 9,
  "invalid": 9,
  "valid": 2896,
  "turnout": 74.05,
  "candidates": [
    {
      "id": "MARTIN",
      "ballot": 1,
      "name": "Alice MARTIN",
      "party": "Parti de l’Avenir",
      "votes": 1220,
      "share": 42.13
    },
    {
      "id": "DUBOIS",
      "ballot": 2,
      "name": "Bruno DUBOIS",
      "party": "Union \\"Centre\\"",
      "votes": 692,
      "share": 23.9
    },
    {
      "id": "LEROY",
      "ballot": 3,
      "name": "Chloé LEROY",
      "party": null,
      "votes": 984,
      "share": 33.98
    }
  ],
  "contests": [
    {
      "id": "pres",
      "name": "Président de la République",
      "seats": 1,
      "stations": {
        "reported": 3,
        "total": 3
      },
      "registeredCovered": 100,
      "registered": 3935,
      "voters": 2914,
      "blank": 9,
      "invalid": 9,
      "valid": 2896,
      "turnout": 74.05,
      "candidates": [
        {
          "id": "MARTIN",
          "ballot": 1,
          "name": "Alice MARTIN",
          "party": "Parti de l’Avenir",
          "votes": 1220,
          "share": 42.13
        },
        {
          "id": "DUBOIS",
          "ballot": 2,
          "name": "Bruno DUBOIS",
          "party": "Union \\"Centre\\"",
          "votes": 692,
          "share": 23.9
        },
        {
          "id": "LEROY",
          "ballot": 3,
          "name": "Chloé LEROY",
          "party": null,
          "votes": 984,
          "share": 33.98
        }
      ]
    }
  ],
  "parent": {
    "level": "region",
    "code": "11",
    "name": "Île-de-France",
    "url": "/region/11/"
  },
  "ancestors": [
    {
      "level": "country",
      "code": "FR",
      "name": "France",
      "url": "/"
    },
    {
      "level": "region",
      "code": "11",
      "name": "Île-de-France",
      "url": "/region/11/"
    }
  ],
  "children": [
    {
      "level": "commune",
      "code": "94028",
      "name": "Créteil",
      "url": "/commune/94028/",
      "stations": {
        "reported": 2,
        "total": 2
      }
    },
    {
      "level": "commune",
      "code": "94080",
      "name": "Vincennes",
      "url": "/commune/94080/",
      "stations": {
        "reported": 1,
        "total": 1
      }
    }
  ]
}
`

exports[`test/publish/publisher.test.ts > TAP > rendered national page and index.json (snapshot) > national index.html 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — France</title>
<link rel="alternate" type="application/json" href="index.json">
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.4;margin:0 auto;max-width:64rem;padding:0 1rem 2rem;color:#1b1b1b;background:#fff}
a{color:#0b4fa8}
nav ol{list-style:none;padding:0;margin:1rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem .5rem;font-size:.9rem}
nav li+li::before{content:"›";margin-right:.5rem;color:#666}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.3rem;margin:2rem 0 .5rem}
.meta{color:#444;margin:.25rem 0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.5rem 0 1rem;min-width:18rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
thead th{border-bottom:2px solid #999}
.children{columns:16rem auto;padding-left:1.2rem}
footer{margin-top:2rem;font-size:.9rem;color:#444}
</style>
</head>
<body>
<nav aria-label="Fil d’Ariane">
<ol>
<li aria-current="page">France</li>
</ol>
</nav>
<main>
<h1>Élection présidentielle 2027, 1er tour — France entière</h1>
<p class="meta">7 bureaux sur 9 dépouillés (78,11 % des inscrits)</p>
<p class="meta">Instantané n°&nbsp;7, mis à jour le <time datetime="2027-04-11T18:26:00.000Z">11 avril 2027 à 20:26:00</time> (heure de Paris).</p>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>

<div class="scroll">
<table>
<caption>Voix par candidat — Président de la République</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">2 009</td><td class="n">35,22 %</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">1 901</td><td class="n">33,33 %</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">1 794</td><td class="n">31,45 %</td></tr>
</tbody>
</table>
</div>
<div class="scroll">
<table>
<caption>Participation — Président de la République</caption>
<thead>
<tr><th scope="col">&nbsp;</th><th scope="col">Nombre</th><th scope="col">% des inscrits</th><th scope="col">% des votants</th></tr>
</thead>
<tbody>
<tr><th scope="row">Inscrits</th><td class="n">8 120</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">5 753</td><td class="n">70,85 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">28</td><td class="n">0,34 %</td><td class="n">0,49 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">21</td><td class="n">0,26 %</td><td class="n">0,37 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">5 704</td><td class="n">70,25 %</td><td class="n">99,15 %</td></tr>
</tbody>
</table>
</div>
</section>
<h2 id="zones">Régions</h2>
<ul class="children">
<li><a href="./region/11/">Île-de-France</a> <span class="meta">(6/6 bureaux)</span></li>
<li><a href="./region/84/">Auvergne-Rhône-Alpes</a> <span class="meta">(1/3 bureaux)</span></li>
</ul>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`
