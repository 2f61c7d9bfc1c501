/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > commune/69266/bureau/0001/index.html 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Bureau de vote 0001 — Hôtel de ville (Villeurbanne)</title>
<link rel="stylesheet" href="../../../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="../../../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li><a href="../../../../">France entière</a></li>
<li><a href="../../../../region/84/">Auvergne-Rhône-Alpes</a></li>
<li><a href="../../../../departement/69/">Rhône</a></li>
<li><a href="../../../../commune/69266/">Villeurbanne</a></li>
<li aria-current="page">Hôtel de ville</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="0">
<h1>Élection présidentielle 2027, 1er tour — Bureau de vote 0001 — Hôtel de ville (Villeurbanne)</h1>
<p class="summary">Bureau de vote 0001 — Hôtel de ville (Villeurbanne) : aucun résultat pour l’instant ; 0 bureau sur 1 dépouillé (0,00 % des inscrits).</p>
<p class="meta">0 bureau sur 1 dépouillé (0,00 % des inscrits)</p>
<p class="meta">Aucun résultat n’est encore publié pour cette zone.</p>
<p class="meta">Hôtel de ville, 69266</p>
<section aria-labelledby="pv">
<h2 id="pv">Procès-verbal</h2>
<div class="result">

<p>Ce bureau n’a pas encore de résultat validé.</p>

<dl>



</dl>


</div>
</section>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — Président de la République</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">0</td><td class="n">0,00 %</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">0</td><td class="n">0,00 %</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">0</td><td class="n">0,00 %</td></tr>
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
<tr><th scope="row">Inscrits</th><td class="n">0</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">0</td><td class="n">0,00 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">0</td><td class="n">0,00 %</td><td class="n">0,00 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">0</td><td class="n">0,00 %</td><td class="n">0,00 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">0</td><td class="n">0,00 %</td><td class="n">0,00 %</td></tr>
</tbody>
</table>
</div>
</section>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > commune/75056/bureau/0101/index.en.html 1`] = `
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Polling station 0101 — Mairie du 1er arrondissement (Paris)</title>
<link rel="stylesheet" href="../../../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="fr" href="index.html">
<script src="../../../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Breadcrumb">
<ol>
<li><a href="../../../../index.en.html">All of France</a></li>
<li><a href="../../../../region/11/index.en.html">Île-de-France</a></li>
<li><a href="../../../../departement/75/index.en.html">Paris</a></li>
<li><a href="../../../../commune/75056/index.en.html">Paris</a></li>
<li aria-current="page">Mairie du 1er arrondissement</li>
</ol>
</nav>
<p class="lang"><a href="index.html" hreflang="fr" lang="fr">Français</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="1">
<h1>Élection présidentielle 2027, 1er tour — Polling station 0101 — Mairie du 1er arrondissement (Paris)</h1>
<p class="summary">Polling station 0101 — Mairie du 1er arrondissement (Paris): Alice MARTIN leads with 36.95% of valid votes ahead of Bruno DUBOIS (33.25%); turnout 62.98%; 1 of 1 polling station counted (100.00% of registered voters).</p>
<p class="meta">1 of 1 polling station counted (100.00% of registered voters)</p>
<p class="meta"><time datetime="2027-04-11T18:20:00.000Z">Snapshot no. 1, updated 11 April 2027 at 20:20:00 (Paris time).</time></p>
<p class="meta">Mairie du 1er arrondissement, 75056</p>
<section aria-labelledby="pv">
<h2 id="pv">Tally sheet</h2>
<div class="result">



<dl>
<dt>Version</dt><dd>1</dd>
<dt>Validated</dt><dd><time datetime="2027-04-11T18:20:00.000Z">11 April 2027 at 20:20:00</time> (Paris time)</dd>
<dt>SHA-256 of the tally sheet scan</dt><dd><code class="sha">a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3</code></dd>
</dl>
<p><a href="https://pv.example.fr/2027/a3/a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3.pdf">See the tally sheet scan</a></p>

</div>
</section>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Share of valid votes per candidate — Président de la République, Polling station 0101 — Mairie du 1er arrondissement (Paris)</title>
<desc id="chart-pres-desc">Bar chart; the same figures are in the table “Votes per candidate”.</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 36.95%</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Bruno DUBOIS — 33.25%</text>
<rect x="0" y="45" width="286.2" height="11" fill="#117733"/>
<text x="0" y="71" font-size="11">Chloé LEROY — 29.80%</text>
<rect x="0" y="75" width="256.5" height="11" fill="#882255"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Votes per candidate — Président de la République</caption>
<thead>
<tr><th scope="col">Candidate</th><th scope="col">Party</th><th scope="col">Votes</th><th scope="col">% of valid votes</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">279</td><td class="n">36.95%</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">251</td><td class="n">33.25%</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">225</td><td class="n">29.80%</td></tr>
</tbody>
</table>
</div>
<div class="scroll" tabindex="0">
<table>
<caption>Turnout — Président de la République</caption>
<thead>
<tr><th scope="col">&nbsp;</th><th scope="col">Number</th><th scope="col">% of registered</th><th scope="col">% of voters</th></tr>
</thead>
<tbody>
<tr><th scope="row">Registered</th><td class="n">1,210</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Voters</th><td class="n">762</td><td class="n">62.98%</td><td class="n"></td></tr>
<tr><th scope="row">Blank</th><td class="n">4</td><td class="n">0.33%</td><td class="n">0.52%</td></tr>
<tr><th scope="row">Invalid</th><td class="n">3</td><td class="n">0.25%</td><td class="n">0.39%</td></tr>
<tr><th scope="row">Valid</th><td class="n">755</td><td class="n">62.40%</td><td class="n">99.08%</td></tr>
</tbody>
</table>
</div>
</section>
</main>
<footer>
<p>Data: <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > commune/75056/bureau/0101/index.html 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Bureau de vote 0101 — Mairie du 1er arrondissement (Paris)</title>
<link rel="stylesheet" href="../../../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="../../../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li><a href="../../../../">France entière</a></li>
<li><a href="../../../../region/11/">Île-de-France</a></li>
<li><a href="../../../../departement/75/">Paris</a></li>
<li><a href="../../../../commune/75056/">Paris</a></li>
<li aria-current="page">Mairie du 1er arrondissement</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="1">
<h1>Élection présidentielle 2027, 1er tour — Bureau de vote 0101 — Mairie du 1er arrondissement (Paris)</h1>
<p class="summary">Bureau de vote 0101 — Mairie du 1er arrondissement (Paris) : Alice MARTIN arrive en tête avec 36,95 % des suffrages exprimés devant Bruno DUBOIS (33,25 %) ; participation 62,98 % ; 1 bureau sur 1 dépouillé (100,00 % des inscrits).</p>
<p class="meta">1 bureau sur 1 dépouillé (100,00 % des inscrits)</p>
<p class="meta"><time datetime="2027-04-11T18:20:00.000Z">Instantané n° 1, mis à jour le 11 avril 2027 à 20:20:00 (heure de Paris).</time></p>
<p class="meta">Mairie du 1er arrondissement, 75056</p>
<section aria-labelledby="pv">
<h2 id="pv">Procès-verbal</h2>
<div class="result">



<dl>
<dt>Version</dt><dd>1</dd>
<dt>Validé le</dt><dd><time datetime="2027-04-11T18:20:00.000Z">11 avril 2027 à 20:20:00</time> (heure de Paris)</dd>
<dt>Empreinte SHA-256 du scan du procès-verbal</dt><dd><code class="sha">a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3</code></dd>
</dl>
<p><a href="https://pv.example.fr/2027/a3/a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3.pdf">Voir le scan du procès-verbal</a></p>

</div>
</section>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Part des suffrages exprimés par candidat — Président de la République, Bureau de vote 0101 — Mairie du 1er arrondissement (Paris)</title>
<desc id="chart-pres-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 36,95 %</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Bruno DUBOIS — 33,25 %</text>
<rect x="0" y="45" width="286.2" height="11" fill="#117733"/>
<text x="0" y="71" font-size="11">Chloé LEROY — 29,80 %</text>
<rect x="0" y="75" width="256.5" height="11" fill="#882255"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — Président de la République</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">279</td><td class="n">36,95 %</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">251</td><td class="n">33,25 %</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">225</td><td class="n">29,80 %</td></tr>
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
<tr><th scope="row">Inscrits</th><td class="n">1 210</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">762</td><td class="n">62,98 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">4</td><td class="n">0,33 %</td><td class="n">0,52 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">3</td><td class="n">0,25 %</td><td class="n">0,39 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">755</td><td class="n">62,40 %</td><td class="n">99,08 %</td></tr>
</tbody>
</table>
</div>
</section>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > commune/75056/bureau/0101/results.csv 1`] = `
Buffer <
  0000: 6c65 7665 6c2c 636f 6465 2c6e 616d 652c  level,code,name,
  0010: 636f 6e74 6573 742c 7374 6174 696f 6e73  contest,stations
  0020: 5f72 6570 6f72 7465 642c 7374 6174 696f  _reported,statio
  0030: 6e73 5f74 6f74 616c 2c72 6567 6973 7465  ns_total,registe
  0040: 7265 642c 766f 7465 7273 2c62 6c61 6e6b  red,voters,blank
  0050: 2c69 6e76 616c 6964 2c76 616c 6964 2c4d  ,invalid,valid,M
  0060: 4152 5449 4e2c 4455 424f 4953 2c4c 4552  ARTIN,DUBOIS,LER
  0070: 4f59 0d0a 7374 6174 696f 6e2c 3031 3031  OY..station,0101
  0080: 2c4d 6169 7269 6520 6475 2031 6572 2061  ,Mairie.du.1er.a
  0090: 7272 6f6e 6469 7373 656d 656e 742c 7072  rrondissement,pr
  00a0: 6573 2c31 2c31 2c31 3231 302c 3736 322c  es,1,1,1210,762,
  00b0: 342c 332c 3735 352c 3237 392c 3235 312c  4,3,755,279,251,
  00c0: 3232 350d 0a                             225..
>
`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > commune/75056/index.en.html 1`] = `
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Paris (commune 75056)</title>
<link rel="stylesheet" href="../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="fr" href="index.html">
<script src="../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Breadcrumb">
<ol>
<li><a href="../../index.en.html">All of France</a></li>
<li><a href="../../region/11/index.en.html">Île-de-France</a></li>
<li><a href="../../departement/75/index.en.html">Paris</a></li>
<li aria-current="page">Paris</li>
</ol>
</nav>
<p class="lang"><a href="index.html" hreflang="fr" lang="fr">Français</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="3">
<h1>Élection présidentielle 2027, 1er tour — Paris (commune 75056)</h1>
<p class="summary">Paris (commune 75056): Alice MARTIN leads with 33.63% of valid votes ahead of Bruno DUBOIS (33.27%); turnout 67.80%; 3 of 3 polling stations counted (100.00% of registered voters).</p>
<p class="meta">3 of 3 polling stations counted (100.00% of registered voters)</p>
<p class="meta"><time datetime="2027-04-11T18:22:00.000Z">Snapshot no. 3, updated 11 April 2027 at 20:22:00 (Paris time).</time></p>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Share of valid votes per candidate — Président de la République, Paris (commune 75056)</title>
<desc id="chart-pres-desc">Bar chart; the same figures are in the table “Votes per candidate”.</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 33.63%</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Bruno DUBOIS — 33.27%</text>
<rect x="0" y="45" width="314.6" height="11" fill="#117733"/>
<text x="0" y="71" font-size="11">Chloé LEROY — 33.09%</text>
<rect x="0" y="75" width="312.9" height="11" fill="#882255"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Votes per candidate — Président de la République</caption>
<thead>
<tr><th scope="col">Candidate</th><th scope="col">Party</th><th scope="col">Votes</th><th scope="col">% of valid votes</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">744</td><td class="n">33.63%</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">736</td><td class="n">33.27%</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">732</td><td class="n">33.09%</td></tr>
</tbody>
</table>
</div>
<div class="scroll" tabindex="0">
<table>
<caption>Turnout — Président de la République</caption>
<thead>
<tr><th scope="col">&nbsp;</th><th scope="col">Number</th><th scope="col">% of registered</th><th scope="col">% of voters</th></tr>
</thead>
<tbody>
<tr><th scope="row">Registered</th><td class="n">3,295</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Voters</th><td class="n">2,234</td><td class="n">67.80%</td><td class="n"></td></tr>
<tr><th scope="row">Blank</th><td class="n">13</td><td class="n">0.39%</td><td class="n">0.58%</td></tr>
<tr><th scope="row">Invalid</th><td class="n">9</td><td class="n">0.27%</td><td class="n">0.40%</td></tr>
<tr><th scope="row">Valid</th><td class="n">2,212</td><td class="n">67.13%</td><td class="n">99.02%</td></tr>
</tbody>
</table>
</div>
</section>
<h2 id="bureaux">Results per polling station</h2>
<div class="scroll" tabindex="0">
<table>
<caption>Polling stations — Président de la République</caption>
<thead>
<tr><th scope="col">Station</th><th scope="col">Status</th><th scope="col">Registered</th><th scope="col">Voters</th><th scope="col">Blank</th><th scope="col">Invalid</th><th scope="col">Valid</th><th scope="col">Alice MARTIN</th><th scope="col">Bruno DUBOIS</th><th scope="col">Chloé LEROY</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="../../commune/75056/bureau/0101/index.en.html">0101 — Mairie du 1er arrondissement</a></th><td>counted</td><td class="n">1,210</td><td class="n">762</td><td class="n">4</td><td class="n">3</td><td class="n">755</td><td class="n">279</td><td class="n">251</td><td class="n">225</td></tr>
<tr><th scope="row"><a href="../../commune/75056/bureau/0102/index.en.html">0102 — École élémentaire, rue de l’Arbre-Sec</a></th><td>counted</td><td class="n">980</td><td class="n">666</td><td class="n">2</td><td class="n">3</td><td class="n">661</td><td class="n">94</td><td class="n">220</td><td class="n">347</td></tr>
<tr><th scope="row"><a href="../../commune/75056/bureau/0201/index.en.html">0201 — Gymnase &quot;Jean Dame&quot;</a></th><td>counted</td><td class="n">1,105</td><td class="n">806</td><td class="n">7</td><td class="n">3</td><td class="n">796</td><td class="n">371</td><td class="n">265</td><td class="n">160</td></tr>
</tbody>
</table>
</div>
</main>
<footer>
<p>Data: <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > commune/75056/index.html 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Paris (commune 75056)</title>
<link rel="stylesheet" href="../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li><a href="../../">France entière</a></li>
<li><a href="../../region/11/">Île-de-France</a></li>
<li><a href="../../departement/75/">Paris</a></li>
<li aria-current="page">Paris</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="3">
<h1>Élection présidentielle 2027, 1er tour — Paris (commune 75056)</h1>
<p class="summary">Paris (commune 75056) : Alice MARTIN arrive en tête avec 33,63 % des suffrages exprimés devant Bruno DUBOIS (33,27 %) ; participation 67,80 % ; 3 bureaux sur 3 dépouillés (100,00 % des inscrits).</p>
<p class="meta">3 bureaux sur 3 dépouillés (100,00 % des inscrits)</p>
<p class="meta"><time datetime="2027-04-11T18:22:00.000Z">Instantané n° 3, mis à jour le 11 avril 2027 à 20:22:00 (heure de Paris).</time></p>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Part des suffrages exprimés par candidat — Président de la République, Paris (commune 75056)</title>
<desc id="chart-pres-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 33,63 %</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Bruno DUBOIS — 33,27 %</text>
<rect x="0" y="45" width="314.6" height="11" fill="#117733"/>
<text x="0" y="71" font-size="11">Chloé LEROY — 33,09 %</text>
<rect x="0" y="75" width="312.9" height="11" fill="#882255"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — Président de la République</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">744</td><td class="n">33,63 %</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">736</td><td class="n">33,27 %</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">732</td><td class="n">33,09 %</td></tr>
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
<tr><th scope="row">Inscrits</th><td class="n">3 295</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">2 234</td><td class="n">67,80 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">13</td><td class="n">0,39 %</td><td class="n">0,58 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">9</td><td class="n">0,27 %</td><td class="n">0,40 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">2 212</td><td class="n">67,13 %</td><td class="n">99,02 %</td></tr>
</tbody>
</table>
</div>
</section>
<h2 id="bureaux">Résultats par bureau de vote</h2>
<div class="scroll" tabindex="0">
<table>
<caption>Bureaux de vote — Président de la République</caption>
<thead>
<tr><th scope="col">Bureau</th><th scope="col">État</th><th scope="col">Inscrits</th><th scope="col">Votants</th><th scope="col">Blancs</th><th scope="col">Nuls</th><th scope="col">Exprimés</th><th scope="col">Alice MARTIN</th><th scope="col">Bruno DUBOIS</th><th scope="col">Chloé LEROY</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="../../commune/75056/bureau/0101/">0101 — Mairie du 1er arrondissement</a></th><td>dépouillé</td><td class="n">1 210</td><td class="n">762</td><td class="n">4</td><td class="n">3</td><td class="n">755</td><td class="n">279</td><td class="n">251</td><td class="n">225</td></tr>
<tr><th scope="row"><a href="../../commune/75056/bureau/0102/">0102 — École élémentaire, rue de l’Arbre-Sec</a></th><td>dépouillé</td><td class="n">980</td><td class="n">666</td><td class="n">2</td><td class="n">3</td><td class="n">661</td><td class="n">94</td><td class="n">220</td><td class="n">347</td></tr>
<tr><th scope="row"><a href="../../commune/75056/bureau/0201/">0201 — Gymnase &quot;Jean Dame&quot;</a></th><td>dépouillé</td><td class="n">1 105</td><td class="n">806</td><td class="n">7</td><td class="n">3</td><td class="n">796</td><td class="n">371</td><td class="n">265</td><td class="n">160</td></tr>
</tbody>
</table>
</div>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > departement/94/index.html 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Val-de-Marne (département 94)</title>
<link rel="stylesheet" href="../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li><a href="../../">France entière</a></li>
<li><a href="../../region/11/">Île-de-France</a></li>
<li aria-current="page">Val-de-Marne</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="3">
<h1>Élection présidentielle 2027, 1er tour — Val-de-Marne (département 94)</h1>
<p class="summary">Val-de-Marne (département 94) : Alice MARTIN arrive en tête avec 42,13 % des suffrages exprimés devant Chloé LEROY (33,98 %) ; participation 74,05 % ; 3 bureaux sur 3 dépouillés (100,00 % des inscrits).</p>
<p class="meta">3 bureaux sur 3 dépouillés (100,00 % des inscrits)</p>
<p class="meta"><time datetime="2027-04-11T18:25:00.000Z">Instantané n° 3, mis à jour le 11 avril 2027 à 20:25:00 (heure de Paris).</time></p>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Part des suffrages exprimés par candidat — Président de la République, Val-de-Marne (département 94)</title>
<desc id="chart-pres-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 42,13 %</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Chloé LEROY — 33,98 %</text>
<rect x="0" y="45" width="256.5" height="11" fill="#882255"/>
<text x="0" y="71" font-size="11">Bruno DUBOIS — 23,90 %</text>
<rect x="0" y="75" width="180.4" height="11" fill="#117733"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — Président de la République</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">1 220</td><td class="n">42,13 %</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">984</td><td class="n">33,98 %</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">692</td><td class="n">23,90 %</td></tr>
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
<tr><th scope="row">Inscrits</th><td class="n">3 935</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">2 914</td><td class="n">74,05 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">9</td><td class="n">0,23 %</td><td class="n">0,31 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">9</td><td class="n">0,23 %</td><td class="n">0,31 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">2 896</td><td class="n">73,60 %</td><td class="n">99,38 %</td></tr>
</tbody>
</table>
</div>
</section>
<h2 id="zones">Communes</h2>
<ul class="children">
<li><a href="../../commune/94028/">Créteil</a> <span class="meta">(2 sur 2)</span></li>
<li><a href="../../commune/94080/">Vincennes</a> <span class="meta">(1 sur 1)</span></li>
</ul>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > index.en.html 1`] = `
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — All of France</title>
<link rel="stylesheet" href="./assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="fr" href="index.html">
<script src="./assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Breadcrumb">
<ol>
<li aria-current="page">All of France</li>
</ol>
</nav>
<p class="lang"><a href="index.html" hreflang="fr" lang="fr">Français</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="7">
<h1>Élection présidentielle 2027, 1er tour — All of France</h1>
<p class="summary">All of France: Alice MARTIN leads with 35.22% of valid votes ahead of Chloé LEROY (33.33%); turnout 70.85%; 7 of 9 polling stations counted (78.11% of registered voters).</p>
<p class="meta">7 of 9 polling stations counted (78.11% of registered voters)</p>
<p class="meta"><time datetime="2027-04-11T18:26:00.000Z">Snapshot no. 7, updated 11 April 2027 at 20:26:00 (Paris time).</time></p>
<section aria-labelledby="carte">
<h2 id="carte">Map of départements by leading candidate — Président de la République</h2>
<figure class="map">
<svg role="img" aria-labelledby="carte-title carte-desc" viewBox="0 0 600 560" xmlns="http://www.w3.org/2000/svg">
<title id="carte-title">Map of départements by leading candidate — Président de la République</title>
<desc id="carte-desc">Each département is coloured by its leading candidate; grey: no result yet. The table below gives the same information.</desc>
<rect x="0" y="0" width="96" height="96" fill="none" stroke="#999" stroke-width="0.8"/>
<use href="./assets/departements.svg#d-69" fill="#117733"><title>Rhône : Bruno DUBOIS 61.41%</title></use>
<use href="./assets/departements.svg#d-75" fill="#332288"><title>Paris : Alice MARTIN 33.63%</title></use>
<use href="./assets/departements.svg#d-94" fill="#332288"><title>Val-de-Marne : Alice MARTIN 42.13%</title></use>
<use href="./assets/departements.svg#d-971" fill="#d9d9d9"><title>971 : No result yet</title></use>
</svg>
<figcaption>
<ul class="legend" aria-label="Legend">
<li><span class="swatch" style="background:#332288"></span>Alice MARTIN (2)</li>
<li><span class="swatch" style="background:#117733"></span>Bruno DUBOIS (1)</li>
<li><span class="swatch" style="background:#d9d9d9"></span>No result yet</li>
</ul>
</figcaption>
</figure>
<details>
<summary>Leading candidate per département</summary>
<div class="scroll" tabindex="0">
<table>
<caption>Leading candidate per département</caption>
<thead>
<tr><th scope="col">Area</th><th scope="col">Leading</th><th scope="col">% of valid votes</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="./departement/69/index.en.html">69 — Rhône</a></th><td><span class="swatch" style="background:#117733"></span>Bruno DUBOIS</td><td class="n">61.41%</td></tr>
<tr><th scope="row"><a href="./departement/75/index.en.html">75 — Paris</a></th><td><span class="swatch" style="background:#332288"></span>Alice MARTIN</td><td class="n">33.63%</td></tr>
<tr><th scope="row"><a href="./departement/94/index.en.html">94 — Val-de-Marne</a></th><td><span class="swatch" style="background:#332288"></span>Alice MARTIN</td><td class="n">42.13%</td></tr>
</tbody>
</table>
</div>
</details>
</section>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Share of valid votes per candidate — Président de la République, All of France</title>
<desc id="chart-pres-desc">Bar chart; the same figures are in the table “Votes per candidate”.</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 35.22%</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Chloé LEROY — 33.33%</text>
<rect x="0" y="45" width="300.9" height="11" fill="#882255"/>
<text x="0" y="71" font-size="11">Bruno DUBOIS — 31.45%</text>
<rect x="0" y="75" width="284" height="11" fill="#117733"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Votes per candidate — Président de la République</caption>
<thead>
<tr><th scope="col">Candidate</th><th scope="col">Party</th><th scope="col">Votes</th><th scope="col">% of valid votes</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">2,009</td><td class="n">35.22%</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">1,901</td><td class="n">33.33%</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">1,794</td><td class="n">31.45%</td></tr>
</tbody>
</table>
</div>
<div class="scroll" tabindex="0">
<table>
<caption>Turnout — Président de la République</caption>
<thead>
<tr><th scope="col">&nbsp;</th><th scope="col">Number</th><th scope="col">% of registered</th><th scope="col">% of voters</th></tr>
</thead>
<tbody>
<tr><th scope="row">Registered</th><td class="n">8,120</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Voters</th><td class="n">5,753</td><td class="n">70.85%</td><td class="n"></td></tr>
<tr><th scope="row">Blank</th><td class="n">28</td><td class="n">0.34%</td><td class="n">0.49%</td></tr>
<tr><th scope="row">Invalid</th><td class="n">21</td><td class="n">0.26%</td><td class="n">0.37%</td></tr>
<tr><th scope="row">Valid</th><td class="n">5,704</td><td class="n">70.25%</td><td class="n">99.15%</td></tr>
</tbody>
</table>
</div>
</section>
<h2 id="zones">Regions</h2>
<ul class="children">
<li><a href="./region/11/index.en.html">Île-de-France</a> <span class="meta">(6 of 6)</span></li>
<li><a href="./region/84/index.en.html">Auvergne-Rhône-Alpes</a> <span class="meta">(1 of 3)</span></li>
</ul>
</main>
<footer>
<p>Data: <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > index.html 1`] = `
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
<section aria-labelledby="carte">
<h2 id="carte">Carte des départements selon le candidat en tête — Président de la République</h2>
<figure class="map">
<svg role="img" aria-labelledby="carte-title carte-desc" viewBox="0 0 600 560" xmlns="http://www.w3.org/2000/svg">
<title id="carte-title">Carte des départements selon le candidat en tête — Président de la République</title>
<desc id="carte-desc">Chaque département est coloré selon le candidat arrivé en tête ; gris : pas encore de résultat. Le tableau qui suit donne les mêmes informations.</desc>
<rect x="0" y="0" width="96" height="96" fill="none" stroke="#999" stroke-width="0.8"/>
<use href="./assets/departements.svg#d-69" fill="#117733"><title>Rhône : Bruno DUBOIS 61,41 %</title></use>
<use href="./assets/departements.svg#d-75" fill="#332288"><title>Paris : Alice MARTIN 33,63 %</title></use>
<use href="./assets/departements.svg#d-94" fill="#332288"><title>Val-de-Marne : Alice MARTIN 42,13 %</title></use>
<use href="./assets/departements.svg#d-971" fill="#d9d9d9"><title>971 : Pas encore de résultat</title></use>
</svg>
<figcaption>
<ul class="legend" aria-label="Légende">
<li><span class="swatch" style="background:#332288"></span>Alice MARTIN (2)</li>
<li><span class="swatch" style="background:#117733"></span>Bruno DUBOIS (1)</li>
<li><span class="swatch" style="background:#d9d9d9"></span>Pas encore de résultat</li>
</ul>
</figcaption>
</figure>
<details>
<summary>Candidat en tête par département</summary>
<div class="scroll" tabindex="0">
<table>
<caption>Candidat en tête par département</caption>
<thead>
<tr><th scope="col">Zone</th><th scope="col">En tête</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="./departement/69/">69 — Rhône</a></th><td><span class="swatch" style="background:#117733"></span>Bruno DUBOIS</td><td class="n">61,41 %</td></tr>
<tr><th scope="row"><a href="./departement/75/">75 — Paris</a></th><td><span class="swatch" style="background:#332288"></span>Alice MARTIN</td><td class="n">33,63 %</td></tr>
<tr><th scope="row"><a href="./departement/94/">94 — Val-de-Marne</a></th><td><span class="swatch" style="background:#332288"></span>Alice MARTIN</td><td class="n">42,13 %</td></tr>
</tbody>
</table>
</div>
</details>
</section>
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

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > region/11/index.html 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Île-de-France (région 11)</title>
<link rel="stylesheet" href="../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li><a href="../../">France entière</a></li>
<li aria-current="page">Île-de-France</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="6">
<h1>Élection présidentielle 2027, 1er tour — Île-de-France (région 11)</h1>
<p class="summary">Île-de-France (région 11) : Alice MARTIN arrive en tête avec 38,45 % des suffrages exprimés devant Chloé LEROY (33,59 %) ; participation 71,20 % ; 6 bureaux sur 6 dépouillés (100,00 % des inscrits).</p>
<p class="meta">6 bureaux sur 6 dépouillés (100,00 % des inscrits)</p>
<p class="meta"><time datetime="2027-04-11T18:25:00.000Z">Instantané n° 6, mis à jour le 11 avril 2027 à 20:25:00 (heure de Paris).</time></p>
<section aria-labelledby="scrutin-pres">
<h2 id="scrutin-pres">Président de la République</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-pres-title">Part des suffrages exprimés par candidat — Président de la République, Île-de-France (région 11)</title>
<desc id="chart-pres-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Alice MARTIN — 38,45 %</text>
<rect x="0" y="15" width="318" height="11" fill="#332288"/>
<text x="0" y="41" font-size="11">Chloé LEROY — 33,59 %</text>
<rect x="0" y="45" width="277.8" height="11" fill="#882255"/>
<text x="0" y="71" font-size="11">Bruno DUBOIS — 27,96 %</text>
<rect x="0" y="75" width="231.2" height="11" fill="#117733"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — Président de la République</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Alice MARTIN</th><td>Parti de l’Avenir</td><td class="n">1 964</td><td class="n">38,45 %</td></tr>
<tr><th scope="row">Chloé LEROY</th><td></td><td class="n">1 716</td><td class="n">33,59 %</td></tr>
<tr><th scope="row">Bruno DUBOIS</th><td>Union &quot;Centre&quot;</td><td class="n">1 428</td><td class="n">27,96 %</td></tr>
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
<tr><th scope="row">Inscrits</th><td class="n">7 230</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">5 148</td><td class="n">71,20 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">22</td><td class="n">0,30 %</td><td class="n">0,43 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">18</td><td class="n">0,25 %</td><td class="n">0,35 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">5 108</td><td class="n">70,65 %</td><td class="n">99,22 %</td></tr>
</tbody>
</table>
</div>
</section>
<h2 id="zones">Départements</h2>
<ul class="children">
<li><a href="../../departement/75/">Paris</a> <span class="meta">(3 sur 3)</span></li>
<li><a href="../../departement/94/">Val-de-Marne</a> <span class="meta">(3 sur 3)</span></li>
</ul>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > every page kind of the small election (snapshots) > station index.json 1`] = `
{
  "page": "station",
  "area": {
    "level": "station",
    "code": "0101",
    "name": "Mairie du 1er arrondissement"
  },
  "election": {
    "id": "pres-2027-t1",
    "name": "Élection présidentielle 2027, 1er tour",
    "round": 1
  },
  "snapshot": 1,
  "updatedAt": "2027-04-11T18:20:00.000Z",
  "stations": {
    "reported": 1,
    "total": 1
  },
  "registeredCovered": 100,
  "registered": 1210,
  "voters": 762,
  "blank": 4,
  "invalid": 3,
  "valid": 755,
  "turnout": 62.98,
  "candidates": [
    {
      "id": "MARTIN",
      "ballot": 1,
      "name": "Alice MARTIN",
      "party": "Parti de l’Avenir",
      "votes": 279,
      "share": 36.95
    },
    {
      "id": "DUBOIS",
      "ballot": 2,
      "name": "Bruno DUBOIS",
      "party": "Union \\"Centre\\"",
      "votes": 251,
      "share": 33.25
    },
    {
      "id": "LEROY",
      "ballot": 3,
      "name": "Chloé LEROY",
      "party": null,
      "votes": 225,
      "share": 29.8
    }
  ],
  "contests": [
    {
      "id": "pres",
      "name": "Président de la République",
      "seats": 1,
      "url": null,
      "stations": {
        "reported": 1,
        "total": 1
      },
      "registeredCovered": 100,
      "registered": 1210,
      "voters": 762,
      "blank": 4,
      "invalid": 3,
      "valid": 755,
      "turnout": 62.98,
      "candidates": [
        {
          "id": "MARTIN",
          "ballot": 1,
          "name": "Alice MARTIN",
          "party": "Parti de l’Avenir",
          "votes": 279,
          "share": 36.95
        },
        {
          "id": "DUBOIS",
          "ballot": 2,
          "name": "Bruno DUBOIS",
          "party": "Union \\"Centre\\"",
          "votes": 251,
          "share": 33.25
        },
        {
          "id": "LEROY",
          "ballot": 3,
          "name": "Chloé LEROY",
          "party": null,
          "votes": 225,
          "share": 29.8
        }
      ]
    }
  ],
  "parent": {
    "level": "commune",
    "code": "75056",
    "name": "Paris",
    "url": "/commune/75056/"
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
    },
    {
      "level": "commune",
      "code": "75056",
      "name": "Paris",
      "url": "/commune/75056/"
    }
  ],
  "children": [],
  "station": {
    "id": "75056-0101",
    "code": "0101",
    "name": "Mairie du 1er arrondissement",
    "address": "Mairie du 1er arrondissement, 75056",
    "registered": 1210,
    "results": [
      {
        "contestId": "pres",
        "status": "validated",
        "version": 1,
        "validatedAt": "2027-04-11T18:20:00.000Z",
        "reason": null,
        "scan": {
          "sha256": "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3",
          "contentType": "application/pdf",
          "url": "https://pv.example.fr/2027/a3/a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3.pdf"
        }
      }
    ]
  }
}
`

exports[`test/publish/pages.test.ts > TAP > several contests: a page per contest, listed on each area page (snapshots) > commune cut by two contests 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élections législatives 2027, 1er tour — Paris (commune 75056)</title>
<link rel="stylesheet" href="../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li><a href="../../">France entière</a></li>
<li><a href="../../region/11/">Île-de-France</a></li>
<li><a href="../../departement/75/">Paris</a></li>
<li aria-current="page">Paris</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="2">
<h1>Élections législatives 2027, 1er tour — Paris (commune 75056)</h1>
<p class="summary">Paris (commune 75056) : 2 bureaux sur 3 dépouillés (70,26 % des inscrits).</p>
<p class="meta">2 bureaux sur 3 dépouillés (70,26 % des inscrits)</p>
<p class="meta"><time datetime="2027-06-11T18:31:00.000Z">Instantané n° 2, mis à jour le 11 juin 2027 à 20:31:00 (heure de Paris).</time></p>
<section aria-labelledby="scrutin-circ-75-01">
<h2 id="scrutin-circ-75-01">1re circonscription de Paris</h2>
<p class="summary">1re circonscription de Paris : Petit PETIT arrive en tête avec 50,07 % des suffrages exprimés devant Durand DURAND (49,93 %) ; participation 63,97 % ; 1 bureau sur 2 dépouillé (55,25 % des inscrits).</p>
<p><a href="../../contest/circ-75-01/">Page du scrutin — 1re circonscription de Paris</a></p>
<figure class="chart">
<svg role="img" aria-labelledby="chart-circ-75-01-title chart-circ-75-01-desc" viewBox="0 0 320 60" width="320" height="60" xmlns="http://www.w3.org/2000/svg">
<title id="chart-circ-75-01-title">Part des suffrages exprimés par candidat — 1re circonscription de Paris, Paris (commune 75056)</title>
<desc id="chart-circ-75-01-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Petit PETIT — 50,07 %</text>
<rect x="0" y="15" width="318" height="11" fill="#117733"/>
<text x="0" y="41" font-size="11">Durand DURAND — 49,93 %</text>
<rect x="0" y="45" width="317.1" height="11" fill="#332288"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — 1re circonscription de Paris</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Petit PETIT</th><td></td><td class="n">383</td><td class="n">50,07 %</td></tr>
<tr><th scope="row">Durand DURAND</th><td>Divers</td><td class="n">382</td><td class="n">49,93 %</td></tr>
</tbody>
</table>
</div>
<div class="scroll" tabindex="0">
<table>
<caption>Participation — 1re circonscription de Paris</caption>
<thead>
<tr><th scope="col">&nbsp;</th><th scope="col">Nombre</th><th scope="col">% des inscrits</th><th scope="col">% des votants</th></tr>
</thead>
<tbody>
<tr><th scope="row">Inscrits</th><td class="n">1 210</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">774</td><td class="n">63,97 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">5</td><td class="n">0,41 %</td><td class="n">0,65 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">4</td><td class="n">0,33 %</td><td class="n">0,52 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">765</td><td class="n">63,22 %</td><td class="n">98,84 %</td></tr>
</tbody>
</table>
</div>
</section>
<section aria-labelledby="scrutin-circ-75-02">
<h2 id="scrutin-circ-75-02">2e circonscription de Paris</h2>
<p class="summary">2e circonscription de Paris : Laurent LAURENT arrive en tête avec 39,04 % des suffrages exprimés devant Simon SIMON (33,29 %) ; participation 64,98 % ; 1 bureau sur 1 dépouillé (100,00 % des inscrits).</p>
<p><a href="../../contest/circ-75-02/">Page du scrutin — 2e circonscription de Paris</a></p>
<figure class="chart">
<svg role="img" aria-labelledby="chart-circ-75-02-title chart-circ-75-02-desc" viewBox="0 0 320 90" width="320" height="90" xmlns="http://www.w3.org/2000/svg">
<title id="chart-circ-75-02-title">Part des suffrages exprimés par candidat — 2e circonscription de Paris, Paris (commune 75056)</title>
<desc id="chart-circ-75-02-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Laurent LAURENT — 39,04 %</text>
<rect x="0" y="15" width="318" height="11" fill="#882255"/>
<text x="0" y="41" font-size="11">Simon SIMON — 33,29 %</text>
<rect x="0" y="45" width="271.2" height="11" fill="#117733"/>
<text x="0" y="71" font-size="11">Moreau MOREAU — 27,67 %</text>
<rect x="0" y="75" width="225.4" height="11" fill="#332288"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — 2e circonscription de Paris</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Laurent LAURENT</th><td></td><td class="n">278</td><td class="n">39,04 %</td></tr>
<tr><th scope="row">Simon SIMON</th><td></td><td class="n">237</td><td class="n">33,29 %</td></tr>
<tr><th scope="row">Moreau MOREAU</th><td>Divers</td><td class="n">197</td><td class="n">27,67 %</td></tr>
</tbody>
</table>
</div>
<div class="scroll" tabindex="0">
<table>
<caption>Participation — 2e circonscription de Paris</caption>
<thead>
<tr><th scope="col">&nbsp;</th><th scope="col">Nombre</th><th scope="col">% des inscrits</th><th scope="col">% des votants</th></tr>
</thead>
<tbody>
<tr><th scope="row">Inscrits</th><td class="n">1 105</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">718</td><td class="n">64,98 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">6</td><td class="n">0,54 %</td><td class="n">0,84 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">0</td><td class="n">0,00 %</td><td class="n">0,00 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">712</td><td class="n">64,43 %</td><td class="n">99,16 %</td></tr>
</tbody>
</table>
</div>
</section>
<h2 id="bureaux">Résultats par bureau de vote</h2>
<div class="scroll" tabindex="0">
<table>
<caption>Bureaux de vote — 1re circonscription de Paris</caption>
<thead>
<tr><th scope="col">Bureau</th><th scope="col">État</th><th scope="col">Inscrits</th><th scope="col">Votants</th><th scope="col">Blancs</th><th scope="col">Nuls</th><th scope="col">Exprimés</th><th scope="col">Durand DURAND</th><th scope="col">Petit PETIT</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="../../commune/75056/bureau/0101/">0101 — Mairie du 1er arrondissement</a></th><td>dépouillé</td><td class="n">1 210</td><td class="n">774</td><td class="n">5</td><td class="n">4</td><td class="n">765</td><td class="n">382</td><td class="n">383</td></tr>
<tr><th scope="row"><a href="../../commune/75056/bureau/0102/">0102 — École élémentaire, rue de l’Arbre-Sec</a></th><td>en attente</td><td class="n">980</td><td class="n">—</td><td class="n">—</td><td class="n">—</td><td class="n">—</td><td class="n">—</td><td class="n">—</td></tr>
</tbody>
</table>
</div>
<div class="scroll" tabindex="0">
<table>
<caption>Bureaux de vote — 2e circonscription de Paris</caption>
<thead>
<tr><th scope="col">Bureau</th><th scope="col">État</th><th scope="col">Inscrits</th><th scope="col">Votants</th><th scope="col">Blancs</th><th scope="col">Nuls</th><th scope="col">Exprimés</th><th scope="col">Moreau MOREAU</th><th scope="col">Simon SIMON</th><th scope="col">Laurent LAURENT</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="../../commune/75056/bureau/0201/">0201 — Gymnase &quot;Jean Dame&quot;</a></th><td>dépouillé</td><td class="n">1 105</td><td class="n">718</td><td class="n">6</td><td class="n">0</td><td class="n">712</td><td class="n">197</td><td class="n">237</td><td class="n">278</td></tr>
</tbody>
</table>
</div>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > several contests: a page per contest, listed on each area page (snapshots) > contest index.json 1`] = `
{
  "page": "contest",
  "area": {
    "level": "country",
    "code": "FR",
    "name": "France"
  },
  "election": {
    "id": "legis-2027-t1",
    "name": "Élections législatives 2027, 1er tour",
    "round": 1
  },
  "snapshot": 1,
  "updatedAt": "2027-06-11T18:30:00.000Z",
  "stations": {
    "reported": 1,
    "total": 2
  },
  "registeredCovered": 55.25,
  "registered": 1210,
  "voters": 774,
  "blank": 5,
  "invalid": 4,
  "valid": 765,
  "turnout": 63.97,
  "candidates": [
    {
      "id": "DURAND",
      "ballot": 1,
      "name": "Durand DURAND",
      "party": "Divers",
      "votes": 382,
      "share": 49.93
    },
    {
      "id": "PETIT",
      "ballot": 2,
      "name": "Petit PETIT",
      "party": null,
      "votes": 383,
      "share": 50.07
    }
  ],
  "contests": [
    {
      "id": "circ-75-01",
      "name": "1re circonscription de Paris",
      "seats": 1,
      "url": "/contest/circ-75-01/",
      "stations": {
        "reported": 1,
        "total": 2
      },
      "registeredCovered": 55.25,
      "registered": 1210,
      "voters": 774,
      "blank": 5,
      "invalid": 4,
      "valid": 765,
      "turnout": 63.97,
      "candidates": [
        {
          "id": "DURAND",
          "ballot": 1,
          "name": "Durand DURAND",
          "party": "Divers",
          "votes": 382,
          "share": 49.93
        },
        {
          "id": "PETIT",
          "ballot": 2,
          "name": "Petit PETIT",
          "party": null,
          "votes": 383,
          "share": 50.07
        }
      ]
    }
  ],
  "parent": {
    "level": "country",
    "code": "FR",
    "name": "France",
    "url": "/"
  },
  "ancestors": [
    {
      "level": "country",
      "code": "FR",
      "name": "France",
      "url": "/"
    }
  ],
  "children": [],
  "contestAreas": [
    {
      "level": "commune",
      "code": "75056",
      "name": "Paris",
      "url": "/commune/75056/",
      "stations": {
        "reported": 1,
        "total": 2
      },
      "registered": 1210,
      "voters": 774,
      "valid": 765,
      "turnout": 63.97,
      "leader": {
        "id": "PETIT",
        "name": "Petit PETIT",
        "share": 50.07
      }
    }
  ]
}
`

exports[`test/publish/pages.test.ts > TAP > several contests: a page per contest, listed on each area page (snapshots) > contest page 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élections législatives 2027, 1er tour — 1re circonscription de Paris</title>
<link rel="stylesheet" href="../../assets/site.css">
<link rel="alternate" type="application/json" href="index.json">
<link rel="alternate" hreflang="en" href="index.en.html">
<script src="../../assets/live.js" defer></script>
</head>
<body>
<header>
<nav aria-label="Fil d’Ariane">
<ol>
<li><a href="../../">France entière</a></li>
<li aria-current="page">1re circonscription de Paris</li>
</ol>
</nav>
<p class="lang"><a href="index.en.html" hreflang="en" lang="en">English</a></p>
</header>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<main id="live" data-snapshot="1">
<h1>Élections législatives 2027, 1er tour — 1re circonscription de Paris</h1>
<p class="summary">1re circonscription de Paris : Petit PETIT arrive en tête avec 50,07 % des suffrages exprimés devant Durand DURAND (49,93 %) ; participation 63,97 % ; 1 bureau sur 2 dépouillé (55,25 % des inscrits).</p>
<p class="meta">1 bureau sur 2 dépouillé (55,25 % des inscrits)</p>
<p class="meta"><time datetime="2027-06-11T18:30:00.000Z">Instantané n° 1, mis à jour le 11 juin 2027 à 20:30:00 (heure de Paris).</time></p>
<section aria-labelledby="scrutin-circ-75-01">
<h2 id="scrutin-circ-75-01">1re circonscription de Paris</h2>


<figure class="chart">
<svg role="img" aria-labelledby="chart-circ-75-01-title chart-circ-75-01-desc" viewBox="0 0 320 60" width="320" height="60" xmlns="http://www.w3.org/2000/svg">
<title id="chart-circ-75-01-title">Part des suffrages exprimés par candidat — 1re circonscription de Paris, 1re circonscription de Paris</title>
<desc id="chart-circ-75-01-desc">Diagramme en barres ; les mêmes chiffres figurent dans le tableau « Voix par candidat ».</desc>
<text x="0" y="11" font-size="11">Petit PETIT — 50,07 %</text>
<rect x="0" y="15" width="318" height="11" fill="#117733"/>
<text x="0" y="41" font-size="11">Durand DURAND — 49,93 %</text>
<rect x="0" y="45" width="317.1" height="11" fill="#332288"/>
</svg>
</figure>
<div class="scroll" tabindex="0">
<table>
<caption>Voix par candidat — 1re circonscription de Paris</caption>
<thead>
<tr><th scope="col">Candidat</th><th scope="col">Nuance</th><th scope="col">Voix</th><th scope="col">% des exprimés</th></tr>
</thead>
<tbody>
<tr><th scope="row">Petit PETIT</th><td></td><td class="n">383</td><td class="n">50,07 %</td></tr>
<tr><th scope="row">Durand DURAND</th><td>Divers</td><td class="n">382</td><td class="n">49,93 %</td></tr>
</tbody>
</table>
</div>
<div class="scroll" tabindex="0">
<table>
<caption>Participation — 1re circonscription de Paris</caption>
<thead>
<tr><th scope="col">&nbsp;</th><th scope="col">Nombre</th><th scope="col">% des inscrits</th><th scope="col">% des votants</th></tr>
</thead>
<tbody>
<tr><th scope="row">Inscrits</th><td class="n">1 210</td><td class="n"></td><td class="n"></td></tr>
<tr><th scope="row">Votants</th><td class="n">774</td><td class="n">63,97 %</td><td class="n"></td></tr>
<tr><th scope="row">Blancs</th><td class="n">5</td><td class="n">0,41 %</td><td class="n">0,65 %</td></tr>
<tr><th scope="row">Nuls</th><td class="n">4</td><td class="n">0,33 %</td><td class="n">0,52 %</td></tr>
<tr><th scope="row">Exprimés</th><td class="n">765</td><td class="n">63,22 %</td><td class="n">98,84 %</td></tr>
</tbody>
</table>
</div>
</section>
<div class="scroll" tabindex="0">
<table>
<caption>Communes du scrutin — 1re circonscription de Paris</caption>
<thead>
<tr><th scope="col">Zone</th><th scope="col">Bureaux dépouillés</th><th scope="col">Participation</th><th scope="col">En tête</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="../../commune/75056/">Paris (75056)</a></th><td class="n">1 sur 2</td><td class="n">63,97 %</td><td>Petit PETIT (50,07 %)</td></tr>
</tbody>
</table>
</div>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`

exports[`test/publish/pages.test.ts > TAP > several contests: a page per contest, listed on each area page (snapshots) > contest results.csv 1`] = `
Buffer <
  0000: 6c65 7665 6c2c 636f 6465 2c6e 616d 652c  level,code,name,
  0010: 636f 6e74 6573 742c 7374 6174 696f 6e73  contest,stations
  0020: 5f72 6570 6f72 7465 642c 7374 6174 696f  _reported,statio
  0030: 6e73 5f74 6f74 616c 2c72 6567 6973 7465  ns_total,registe
  0040: 7265 642c 766f 7465 7273 2c62 6c61 6e6b  red,voters,blank
  0050: 2c69 6e76 616c 6964 2c76 616c 6964 2c44  ,invalid,valid,D
  0060: 5552 414e 442c 5045 5449 540d 0a63 6f6d  URAND,PETIT..com
  0070: 6d75 6e65 2c37 3530 3536 2c50 6172 6973  mune,75056,Paris
  0080: 2c63 6972 632d 3735 2d30 312c 312c 322c  ,circ-75-01,1,2,
  0090: 3132 3130 2c37 3734 2c35 2c34 2c37 3635  1210,774,5,4,765
  00a0: 2c33 3832 2c33 3833 0d0a                 ,382,383..
>
`

exports[`test/publish/pages.test.ts > TAP > several contests: a page per contest, listed on each area page (snapshots) > national page of four contests: one table of contests 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élections législatives 2027, 1er tour — France entière</title>
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
<main id="live" data-snapshot="3">
<h1>Élections législatives 2027, 1er tour — France entière</h1>
<p class="summary">France entière : 3 bureaux sur 9 dépouillés (35,16 % des inscrits).</p>
<p class="meta">3 bureaux sur 9 dépouillés (35,16 % des inscrits)</p>
<p class="meta"><time datetime="2027-06-11T18:32:00.000Z">Instantané n° 3, mis à jour le 11 juin 2027 à 20:32:00 (heure de Paris).</time></p>
<h2 id="scrutins">Scrutins</h2>
<div class="scroll" tabindex="0">
<table>
<caption>Scrutins — France entière</caption>
<thead>
<tr><th scope="col">Scrutin</th><th scope="col">Bureaux dépouillés</th><th scope="col">Participation</th><th scope="col">En tête</th></tr>
</thead>
<tbody>
<tr><th scope="row"><a href="./contest/circ-75-01/">1re circonscription de Paris</a></th><td class="n">1 sur 2</td><td class="n">63,97 %</td><td>Petit PETIT (50,07 %)</td></tr>
<tr><th scope="row"><a href="./contest/circ-75-02/">2e circonscription de Paris</a></th><td class="n">1 sur 1</td><td class="n">64,98 %</td><td>Laurent LAURENT (39,04 %)</td></tr>
<tr><th scope="row"><a href="./contest/circ-94-01/">1re circonscription du Val-de-Marne</a></th><td class="n">1 sur 3</td><td class="n">65,97 %</td><td>Michel MICHEL (55,59 %)</td></tr>
<tr><th scope="row"><a href="./contest/circ-69-01/">1re circonscription du Rhône</a></th><td class="n">0 sur 3</td><td class="n">—</td><td>—</td></tr>
</tbody>
</table>
</div>
<h2 id="zones">Régions</h2>
<ul class="children">
<li><a href="./region/11/">Île-de-France</a> <span class="meta">(3 sur 6)</span></li>
<li><a href="./region/84/">Auvergne-Rhône-Alpes</a> <span class="meta">(0 sur 3)</span></li>
</ul>
</main>
<footer>
<p>Données : <a href="index.json">index.json</a> · <a href="results.csv">results.csv</a></p>
</footer>
</body>
</html>

`
