/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/publish/embargo.test.ts > TAP > 1 ms before the polls close: names and the time results appear, no figure anywhere > commune index.json under embargo 1`] = `
{
  "page": "area",
  "area": {
    "level": "commune",
    "code": "75056",
    "name": "Paris"
  },
  "election": {
    "id": "pres-2027-t1",
    "name": "Élection présidentielle 2027, 1er tour",
    "round": 1
  },
  "embargo": {
    "resultsFrom": "2026-04-12T18:00:00.000Z"
  },
  "contests": [
    {
      "id": "pres",
      "name": "Président de la République",
      "candidates": [
        {
          "id": "MARTIN",
          "name": "Alice MARTIN",
          "party": "Parti de l’Avenir"
        },
        {
          "id": "DUBOIS",
          "name": "Bruno DUBOIS",
          "party": "Union \\"Centre\\""
        },
        {
          "id": "LEROY",
          "name": "Chloé LEROY",
          "party": null
        }
      ]
    }
  ],
  "parent": {
    "level": "departement",
    "code": "75",
    "name": "Paris",
    "url": "/departement/75/"
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
    },
    {
      "level": "departement",
      "code": "75",
      "name": "Paris",
      "url": "/departement/75/"
    }
  ],
  "children": []
}
`

exports[`test/publish/embargo.test.ts > TAP > 1 ms before the polls close: names and the time results appear, no figure anywhere > national index.html under embargo 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — France entière</title>
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.4;margin:0 auto;max-width:64rem;padding:0 1rem 2rem;color:#1b1b1b;background:#fff}
a{color:#0b4fa8}
nav ol{list-style:none;padding:0;margin:1rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem .5rem;font-size:.9rem}
nav li+li::before{content:"›";margin-right:.5rem;color:#666}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.3rem;margin:2rem 0 .5rem}
.notice{font-size:1.15rem;border-left:4px solid #0b4fa8;padding:.5rem 1rem;background:#f2f6fc}
.children{columns:16rem auto;padding-left:1.2rem}
</style>
</head>
<body>
<nav aria-label="Fil d’Ariane">
<ol>
<li aria-current="page">France entière</li>
</ol>
</nav>
<main>
<h1>Élection présidentielle 2027, 1er tour — France entière</h1>
<p class="notice">Les résultats seront publiés à partir du <time datetime="2026-04-12T18:00:00.000Z">dimanche 12 avril 2026 à 20:00</time> (heure de Paris), à la fermeture des derniers bureaux de vote.</p>
<p><a href="index.en.html" hreflang="en" lang="en">English</a></p>
<h2>Candidats</h2>
<ul>
<li>Alice MARTIN (Parti de l’Avenir)</li>
<li>Bruno DUBOIS (Union &quot;Centre&quot;)</li>
<li>Chloé LEROY</li>
</ul>
<h2>Zones</h2>
<ul class="children">
<li><a href="./region/11/">Île-de-France</a></li>
<li><a href="./region/84/">Auvergne-Rhône-Alpes</a></li>
</ul>
</main>
</body>
</html>

`
