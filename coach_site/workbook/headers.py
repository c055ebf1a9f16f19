"""The HTTP headers a private workbook should be served with, for every kind of host.

The HTML already carries `noindex` and `no-referrer` meta tags; headers reach the
crawlers and proxies that never parse HTML, and the Content-Security-Policy stops any
script that is not one of the site's own files from running, even if escaping failed.
The workbook has no inline scripts (see overrides/partials/javascripts/), so the
policy is the same for every client and every host.
"""

from __future__ import annotations

from coach_site.workbook.fingerprint import HASHED_DIR

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Pages are private: no shared cache keeps a copy, and browsers check for updates.
    "Cache-Control": "private, no-cache",
}
# A file under a content-hashed name never changes (fingerprint.py): the browser keeps it a year.
HASHED_CACHE_CONTROL = "private, max-age=31536000, immutable"
# What is worth compressing on the way: every text file a workbook has (images are compressed already).
COMPRESSED_TYPES = ("text/css", "application/javascript", "text/javascript", "application/json",
                    "application/manifest+json", "image/svg+xml", "text/plain", "application/xml")


def netlify_headers() -> str:
    """`_headers`, read by Netlify and Cloudflare Pages. They compress on their own; they join
    the values of every rule a path matches rather than replace them, so the hashed files
    keep `no-cache` there (a quick 304; the workbook's service worker serves them anyway)."""
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in HEADERS.items())


def htaccess() -> str:
    """`.htaccess` for Apache hosts: the same headers, and no directory listings."""
    lines = ["# coach-site: privacy headers for Apache; no folder lists.", "Options -Indexes", "<IfModule mod_headers.c>"]
    lines += [f'  Header always set {name} "{value}"' for name, value in HEADERS.items()]
    lines += [f'  <If "%{{REQUEST_URI}} =~ m#/{HASHED_DIR}/#">',
              f'    Header always set Cache-Control "{HASHED_CACHE_CONTROL}"', "  </If>", "</IfModule>",
              "<IfModule mod_deflate.c>", f"  AddOutputFilterByType DEFLATE text/html {' '.join(COMPRESSED_TYPES)}",
              "</IfModule>", ""]
    return "\n".join(lines)


def nginx_server(root: str = "/var/www/coaching", server_name: str = "coaching.example.org",
                 listen: str = "443 ssl") -> str:
    """An nginx `server` block: the same headers on every response, no directory listings,
    every text file compressed (Debian's default compresses HTML only) or served from the
    `.gz` beside it that `publish --compress` writes, and the hashed files kept a year.

    `root` holds the published site dir at the path of site_url (e.g. root/workbooks/).
    """
    def headers(cache_control: str) -> str:
        return "".join(f'        add_header {name} "{cache_control if name == "Cache-Control" else value}" always;\n'
                       for name, value in HEADERS.items())

    return (
        "server {\n"
        f"    listen {listen};\n"
        f"    server_name {server_name};\n"
        "    # On a real host: ssl_certificate and ssl_certificate_key.\n"
        f"    root {root};\n"
        "    autoindex off;\n"
        "    # Text compressed on the way, or its .gz served as it is where publish wrote one.\n"
        "    gzip on;\n"
        "    gzip_static on;\n"
        "    gzip_vary on;\n"
        "    gzip_comp_level 6;\n"
        f"    gzip_types {' '.join(COMPRESSED_TYPES)};\n"
        "\n"
        "    location / {\n"
        "        # A workbook's link ends in its token and /: serve that folder's index.html.\n"
        "        try_files $uri $uri/index.html =404;\n"
        f"{headers(HEADERS['Cache-Control'])}"
        "    }\n"
        f"    location ~ ^/.+/{HASHED_DIR}/ {{\n"
        "        # A content-hashed name: the file never changes, the browser keeps it.\n"
        "        try_files $uri =404;\n"
        f"{headers(HASHED_CACHE_CONTROL)}"
        "    }\n"
        "}\n"
    )
