vcl 4.1;
# Varnish in front of nginx (ops/nginx/nginx.conf), see README.md in this folder.
# Readers: GET/HEAD only, cached as nginx's Cache-Control says, every object tagged with one
# surrogate key (its folder URL) so the publisher can invalidate exactly the pages it rewrote.
# Issue 8 hardens this file; keep it small and correct until then.

import std;
import xkey;

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

# Who may purge: the publisher on this host. Another publisher host gets its address added here.
acl purgers {
    "127.0.0.1";
    "::1";
}

# Invalidation is PURGE with the keys in one header, not BAN: a ban stays on the ban list and is
# tested against every object the cache looks up until the lurker has walked them all; thousands
# of pages change per publish cycle, so bans would pile up. xkey finds the objects of a key in
# its index at once, and removes them now.
#
#   PURGE / HTTP/1.1
#   xkey-purge: /departement/75/ /departement/75/index.json
#   -> 200, X-Purged: <number of objects invalidated>
#
# softpurge, not purge: the object is expired but kept for grace, so if nginx is down the old
# page is still served instead of an error. While nginx is healthy vcl_recv allows no grace
# (req.grace = 0s), so the next reader after a purge always gets the new page.
sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purge not allowed from this address"));
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
    # Every URL is a static file: a query string never selects other content, and letting it
    # through would let anyone bypass the cache (?1, ?2, …) and hammer nginx.
    set req.url = regsub(req.url, "\?.*$", "");
    # Readers' cookies (analytics on the parent domain) would make every request a pass.
    unset req.http.Cookie;
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    # Falls through to the built-in vcl_recv (Host check, Authorization -> pass, hash).
}

# The key of an object is its URL path with "index.html" dropped: "/x/" and "/x/index.html"
# are the same page, so they share the key "/x/" and one purge of either name removes both.
# Purge keys get the same treatment (and lose any query string), so the publisher can name a
# page either way.
sub normalize_purge_keys {
    set req.http.xkey-purge = regsuball(req.http.xkey-purge, "\?[^ ]*", "");
    set req.http.xkey-purge = regsuball(req.http.xkey-purge, "/index\.html( |$)", "/\1");
}

sub vcl_backend_fetch {
    # With a (soft-purged or expired) copy at hand Varnish would ask nginx "changed since?", but
    # nginx's validators are the file's mtime in seconds and its size: a page rewritten within
    # the same second at the same length gets a 304 and the old body would live on. Always fetch
    # the whole file; on loopback that costs nothing.
    unset bereq.http.If-None-Match;
    unset bereq.http.If-Modified-Since;
}

sub vcl_backend_response {
    set beresp.http.xkey = regsub(bereq.url, "/index\.html$", "/");
    # How long a page may be served stale while nginx is down (vcl_recv limits grace to 0 s
    # while it is healthy).
    set beresp.grace = 6h;
    # A failed background refresh keeps the stale object instead of replacing it by the error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
}

sub vcl_synth {
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
    set resp.http.Cache-Control = "no-store";
}
