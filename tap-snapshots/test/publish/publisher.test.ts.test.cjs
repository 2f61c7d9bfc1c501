/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/publish/publisher.test.ts > TAP > rendered national page and index.json (snapshot) > département 94 index.json 1`] = `
{
  "page": "area",
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
      "url": null,
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
<title>Élection présidentielle 2027, 1er tour — France entière</title>
<link rel="stylesheet" href="./assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="./assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li aria-current="page">France entière</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="7">
<h1>Élection présidentielle 2027, 1er tour — France entière</h1>
<p class="summary">France entière : Alice MARTIN arrive en tête avec 35,22 % des suffrages exprimés devant Chloé LEROY (33,33 %) ; participation 70,85 % ; 7 bureaux sur 9 dépouillés (78,11 % des inscrits).</p>
<p class="meta">7 bureaux sur 9 dépouillés (78,11 % des inscrits)</p>
<p class="meta"><time datetime="2027-04-11T18:26:00.000Z">Instantané n° 7, mis à jour le 11 avril 2027 à 20:26:00 (heure de Paris).</time></p>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Part des suffrages exprimés par candidat — Président de la République, France entière</title>
<desc id="chart-pres-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 35,22 %</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Chloé LEROY — 33,33 %</text>
<rect x="0" y="45" width="300.9" height="11" fill="#882255"/>
<text x="0" y="71" font-size="11">Bruno DUBOIS — 31,45 %</text>
<rect x="0" y="75" width="284" height="11" fill="#117733"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
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
<div class="scroll" tabindex="0">
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
<li><a href="./region/11/">Île-de-France</a> <span class="meta">(6 sur 6)</span></li>
<li><a href="./region/84/">Auvergne-Rhône-Alpes</a> <span class="meta">(1 sur 3)</span></li>
</ul>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`
