"""The HTTP headers a private workbook should be served with, for every kind of host.

The HTML already carries `noindex` and `no-referrer` meta tags; headers reach the
crawlers and proxies that never parse HTML, and the Content-Security-Policy stops any
script that is not one of the site's own files from running, even if escaping failed.
The workbook has no inline scripts (see overrides/partials/javascripts/), so the
policy is the same for every client and every host.
"""

from __future__ import annotations

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


def netlify_headers() -> str:
    """`_headers`, read by Netlify and Cloudflare Pages."""
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in HEADERS.items())


def htaccess() -> str:
    """`.htaccess` for Apache hosts: the same headers, and no directory listings."""
    lines = ["# coach-site: privacy headers for Apache; no folder lists.", "Options -Indexes", "<IfModule mod_headers.c>"]
    lines += [f'  Header always set {name} "{value}"' for name, value in HEADERS.items()]
    lines += ["</IfModule>", ""]
    return "\n".join(lines)


def nginx_server(root: str = "/var/www/coaching", server_name: str = "coaching.example.org",
                 listen: str = "443 ssl") -> str:
    """An nginx `server` block: the same headers on every response, and no directory listings.

    `root` holds the published site dir at the path of site_url (e.g. root/workbooks/).
    """
    headers = "".join(f'        add_header {name} "{value}" always;\n' for name, value in HEADERS.items())
    return (
        "server {\n"
        f"    listen {listen};\n"
        f"    server_name {server_name};\n"
        "    # On a real host: ssl_certificate and ssl_certificate_key.\n"
        f"    root {root};\n"
        "    autoindex off;\n"
        "\n"
        "    location / {\n"
        "        # A workbook's link ends in its token and /: serve that folder's index.html.\n"
        "        try_files $uri $uri/index.html =404;\n"
        f"{headers}"
        "    }\n"
        "}\n"
    )
