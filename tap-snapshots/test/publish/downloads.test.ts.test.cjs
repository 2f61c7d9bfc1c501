/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/publish/downloads.test.ts > TAP > corrections log: every corrected or withdrawn result with its time and reason > corrections/index.html 1`] = `
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Élection présidentielle 2027, 1er tour — Journal des corrections</title>
<link rel="alternate" type="application/json" href="../data/corrections.json">
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.4;margin:0 auto;max-width:64rem;padding:0 1rem 2rem;color:#1b1b1b;background:#fff}
a{color:#0b4fa8}
h1{font-size:1.6rem;margin:1rem 0 .5rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.5rem 0 1rem;min-width:18rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top;text-align:left}
thead th{border-bottom:2px solid #999}
</style>
</head>
<body>
<nav aria-label="Fil d’Ariane"><p><a href="../">France entière</a></p></nav>
<main>
<h1>Élection présidentielle 2027, 1er tour — Journal des corrections</h1>
<p>Chaque modification d’un résultat de bureau de vote déjà publié, et chaque retrait, figure ici avec son heure, son motif et les chiffres qu’elle a changés. Les chiffres en vigueur sont ceux des pages de résultats.</p>
<div class="scroll">
<table>
<caption>Corrections et retraits, les plus récents d’abord</caption>
<thead><tr><th scope="col">Heure (Paris)</th><th scope="col">Bureau de vote</th><th scope="col">Commune</th><th scope="col">Modification</th><th scope="col">Motif</th></tr></thead>
<tbody>
<tr><td><time datetime="2027-04-11T19:10:00.000Z">11 avril 2027 à 21:10:00</time></td><td>0102 — Groupe scolaire Michel-Servet</td><td><a href="../commune/69123/">Lyon</a></td><td>Résultat retiré</td><td>Procès-verbal non signé</td></tr>
<tr><td><time datetime="2027-04-11T19:05:00.000Z">11 avril 2027 à 21:05:00</time></td><td>0101 — Mairie du 1er arrondissement</td><td><a href="../commune/75056/">Paris</a></td><td>Résultat corrigé (version 2)</td><td>Erreur de report &lt;Martin/Dubois&gt;</td></tr>
</tbody>
</table>
</div>
</main>
<footer><p>Données : <a href="../data/corrections.json">corrections.json</a></p></footer>
</body>
</html>

`
