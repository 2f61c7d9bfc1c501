vcl 4.1;
# Varnish in front of nginx's results site (ops/nginx/nginx.conf, 127.0.0.1:8090), see README.md
# in this folder. Readers: GET/HEAD only, cached as nginx's Cache-Control says, every object
# tagged with one surrogate key (its folder URL) so the publisher can invalidate exactly the
# pages it rewrote; stale pages for hours when nginx is down, a plan-B page when nothing is cached.
# The tests and the load benchmark run a copy with only the backend's port changed.

import std;
import xkey;
import vsthrottle;

backend nginx {
    .host = "127.0.0.1";
    .port = "8090";
    .connect_timeout = 1s;
    .first_byte_timeout = 10s;
    .between_bytes_timeout = 5s;
    # Sick after 3 failed probes out of the last 5 (about 6 s); starts healthy (.initial).
    .probe = {
        .url = "/healthz";
        .interval = 2s;
        .timeout = 1s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may purge or ban: the publisher on this host. Another publisher host gets its address here.
acl purgers {
    "127.0.0.1";
    "::1";
}

# Clients never throttled (vcl_miss): this host (health checks, the publisher's own reads) and,
# behind a CDN, its edge addresses, which carry thousands of readers each.
acl unthrottled {
    "127.0.0.1";
    "::1";
}

# Invalidation is PURGE with the keys in one header, not BAN: a ban stays on the ban list and is
# tested against every object the cache looks up until the lurker has walked them all; thousands
# of pages change per publish cycle, so bans would pile up. xkey finds the objects of a key in
# its index at once.
#
#   PURGE / HTTP/1.1
#   xkey-purge: /departement/75/ /departement/75/index.json
#   -> 200, X-Purged: <number of objects invalidated>
#
# softpurge, not purge: the object is expired but kept for grace, so if nginx is down the old
# page is still served instead of an error. While nginx is healthy a soft-purged copy is never
# served (vcl_hit), so the next reader after a purge always gets the new page.
#
# BAN is the operator's emergency tool (a whole folder, a pattern): `ban-url` holds a regular
# expression matched against the object's URL path (the lurker can evaluate it, see X-Url).
sub vcl_recv {
    if (req.restarts == 0) {
        # Set only by this VCL (vcl_deliver), never taken from a client.
        unset req.http.X-Serve-Stale;
        unset req.http.X-Fresh-Only;
        unset req.http.X-Encoding;
    }
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purge not allowed from this address"));
        }
        if (req.method == "BAN") {
            call ban_by_url;
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the paths to purge in the xkey-purge header"));
        }
        call normalize_purge_keys;
        set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (synth(405, "Method not allowed"));
    }
    # WordPress pingback floods ("… verifying pingback from …") and xmlrpc / PHP probes: there is
    # no PHP here, and each of those, with its random URL, would otherwise be a miss for nginx.
    if (req.http.User-Agent ~ "(?i)pingback" || req.url ~ "(?i)^/(xmlrpc\.php|wp-)|\.php(\?|$)") {
        return (synth(403, "Forbidden"));
    }
    # Every URL is a static file: a query string never selects other content, and letting it
    # through would let anyone bypass the cache (?1, ?2, …) and hammer nginx.
    set req.url = regsub(req.url, "\?.*$", "");
    # Readers' cookies (analytics on the parent domain) and credentials select nothing either;
    # the built-in VCL would pass such requests straight to nginx.
    unset req.http.Cookie;
    unset req.http.Authorization;
    call normalize_encoding;
    # How stale a copy may be served (while a background fetch refreshes it); req.grace survives
    # restarts, so each case sets it.
    if (req.http.X-Serve-Stale) {
        # nginx is down or failing (vcl_synth): any copy is better than an error.
        set req.grace = 24h;
    } elsif (req.http.X-Fresh-Only) {
        # The copy was soft-purged (vcl_hit): the publisher rewrote the page, fetch it now.
        set req.grace = 0s;
    } elsif (std.healthy(req.backend_hint)) {
        # A page that merely expired is still the current one: the publisher purges every page
        # it rewrites, and retries a purge that failed until Varnish takes it. Serve it and
        # refresh it in the background, so readers of rarely read pages (the communes' long tail,
        # read less than once a minute each) never wait for nginx, and nginx sees one fetch per
        # expiry. Were a purge lost after all, the page would be served stale once more, to the
        # first reader after its max-age, while it is fetched again. Ten minutes, not the 30 s
        # of nginx's stale-while-revalidate: with 30 s, up to 2 % of the lookups of the load
        # benchmark (35,000 communes) were misses on pages that had not changed (ops/loadtest).
        set req.grace = 10m;
    }
    # Not the built-in vcl_recv: it would pass on Authorization and pipe unknown methods, and the
    # Host is left out of the hash (vcl_hash), so nothing the client sends bypasses the cache.
    return (hash);
}

# Two variants per URL at most: brotli for clients that accept it, and gzip (Varnish's own gzip
# support asks nginx for gzip and unzips for the rare client that accepts neither). Browsers send
# a dozen spellings of Accept-Encoding; without this each would be its own object.
sub normalize_encoding {
    if (req.http.Accept-Encoding ~ "(?i)\bbr\b") {
        set req.http.X-Encoding = "br";
    }
}

sub ban_by_url {
    if (!req.http.ban-url) {
        return (synth(400, "Name a regular expression of URL paths in the ban-url header"));
    }
    if (std.ban("obj.http.X-Url ~ " + req.http.ban-url)) {
        return (synth(200, "Banned"));
    }
    return (synth(400, std.ban_error()));
}

# The key of an object is its URL path with "index.html" dropped: "/x/" and "/x/index.html"
# are the same page, so they share the key "/x/" and one purge of either name removes both.
# Purge keys get the same treatment (and lose any query string), so the publisher can name a
# page either way.
sub normalize_purge_keys {
    set req.http.xkey-purge = regsuball(req.http.xkey-purge, "\?[^ ]*", "");
    set req.http.xkey-purge = regsuball(req.http.xkey-purge, "/index\.html( |$)", "/\1");
}

# A stale copy found while nginx is healthy: served if it merely expired (vcl_recv), but not if
# it was soft-purged, which means the publisher rewrote the page; then the lookup is done again
# without grace, so this reader (and those queued behind its fetch) get the new file.
# xkey.softpurge re-arms an object with a lifetime of 0 from the purge instant, so its ttl + age
# is 0, while an expired page keeps its original lifetime (5 s at least, nginx's max-age).
sub vcl_hit {
    if (obj.ttl <= 0s && obj.ttl + obj.age < 1s && !req.http.X-Serve-Stale && std.healthy(req.backend_hint)) {
        set req.http.X-Fresh-Only = "1";
        return (restart);
    }
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.X-Encoding) {
        hash_data(req.http.X-Encoding);
    }
    return (lookup);
}

# Optional per-client throttling, on misses only: a reader's refreshes are hits and cost nothing,
# while a client walking through uncached pages (a scraper, a cache-busting attack that found a
# way around the query-string rule) reaches nginx each time. 100 misses in 10 s blocks the
# client for 30 s. Behind a CDN, put its edges in `unthrottled` (or drop this sub's body).
sub vcl_miss {
    if (client.ip !~ unthrottled && vsthrottle.is_denied("miss:" + client.identity, 100, 10s, 30s)) {
        return (synth(429, "Too many requests"));
    }
}

sub vcl_backend_fetch {
    # With a (soft-purged or expired) copy at hand Varnish would ask nginx "changed since?", but
    # nginx's validators are the file's mtime in seconds and its size: a page rewritten within
    # the same second at the same length gets a 304 and the old body would live on. Always fetch
    # the whole file; on loopback that costs nothing.
    unset bereq.http.If-None-Match;
    unset bereq.http.If-Modified-Since;
    if (bereq.http.X-Encoding == "br") {
        # nginx sends the .br sibling, or gzip when a file has none.
        set bereq.http.Accept-Encoding = "br, gzip";
    }
    unset bereq.http.X-Encoding;
    unset bereq.http.X-Serve-Stale;
    unset bereq.http.X-Fresh-Only;
}

sub vcl_backend_response {
    set beresp.http.xkey = regsub(bereq.url, "/index\.html$", "/");
    set beresp.http.X-Url = bereq.url;
    if (beresp.status >= 500) {
        # Neither a failed background refresh nor a failed fetch replaces the copy at hand: the
        # fetch is abandoned, and vcl_synth looks for a stale copy before showing plan B.
        return (abandon);
    }
    unset beresp.http.Set-Cookie;
    # The encoding is in the hash already (vcl_hash); Vary would only make Varnish compare the
    # stored request's Accept-Encoding with each reader's. It is sent again to readers.
    unset beresp.http.Vary;
    # How long a page may be served stale while nginx is down (vcl_recv limits grace to 30 s
    # while it is healthy).
    set beresp.grace = 6h;
    # Every answer is stored, as nginx's max-age says: never the built-in hit-for-miss, which
    # would send every reader of a hot page to nginx at once instead of queueing them behind one
    # fetch (request coalescing).
    return (deliver);
}

# nginx down or refusing the connection. A synthetic answer here would be stored as the page's
# newest version and take the place of the stale copy; abandoning keeps that copy for vcl_synth.
sub vcl_backend_error {
    return (abandon);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    if (resp.http.Content-Type ~ "^text/|json|javascript|svg") {
        set resp.http.Vary = "Accept-Encoding";
    }
    unset resp.http.xkey;
    unset resp.http.X-Url;
}

sub vcl_synth {
    # 503 "Backend fetch failed": nginx is down or failing (an abandoned fetch). First look again
    # allowing any grace, so a stale copy (soft-purged, or expired) is served even before the
    # probe has marked nginx sick; if there is none, plan B. Not stored: the next reader tries
    # again (a sick backend fails at once, it costs nothing).
    if (resp.status == 503 && req.method != "PURGE" && req.method != "BAN") {
        if (!req.http.X-Serve-Stale) {
            set req.http.X-Serve-Stale = "1";
            unset req.http.X-Fresh-Only;
            return (restart);
        }
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Cache-Control = "no-store";
        set resp.http.Retry-After = "30";
        set resp.body = {"<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="30"><title>Résultats momentanément indisponibles</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>Les résultats arrivent, merci de patienter</h1>
<p>Le site reçoit en ce moment un très grand nombre de visites et cette page n’a pas pu être affichée.</p>
<p>Les résultats ne sont pas perdus : réessayez dans une minute, la page se met à jour toute seule toutes les 30 secondes.</p>
<p><a href="/">Résultats nationaux</a></p>
</body>
</html>
"};
        return (deliver);
    }
    if (req.method == "PURGE" && resp.status == 200) {
        set resp.http.X-Purged = req.http.X-Purged;
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = "purged " + req.http.X-Purged + " objects" + {"
"};
        return (deliver);
    }
    if (resp.status == 405) {
        set resp.http.Allow = "GET, HEAD";
    }
    if (resp.status == 429) {
        set resp.http.Retry-After = "30";
    }
    set resp.http.Cache-Control = "no-store";
}
