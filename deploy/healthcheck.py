"""Docker HEALTHCHECK of the web container: GET /healthz on the local gunicorn, exit 0 only on HTTP 200.

Standard library only (curl is not in the slim image). Django answers 400 to a Host header missing from
ALLOWED_HOSTS, so the probe presents the first concrete host of ALLOWED_HOSTS. /healthz is exempt from
the HTTPS redirect (SECURE_REDIRECT_EXEMPT), so plain HTTP is fine.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8000/healthz"


def host_header(allowed_hosts: str) -> str:
    for entry in allowed_hosts.split(","):
        host = entry.strip().lstrip(".")  # ".example.org" allows example.org and its subdomains
        if host and "*" not in host:
            return host
    return "localhost"


def main() -> int:
    request = urllib.request.Request(URL, headers={"Host": host_header(os.environ.get("ALLOWED_HOSTS", ""))})
    try:
        with urllib.request.urlopen(request, timeout=8) as response:
            body = response.read(500).decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as error:  # 503 from /healthz: database or broker unreachable
        print(f"healthz: HTTP {error.code} {error.read(500).decode('utf-8', 'replace')}")
        return 1
    except OSError as error:  # gunicorn not listening (yet)
        print(f"healthz: {error}")
        return 1
    print(f"healthz: HTTP {status} {body}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
