"""Sign in to the scan server as a demo member of staff and write the cookies where the scanners
read them: a wapiti JSON cookie file and a plain Cookie header (for sqlmap).

    python bench/scan_login.py http://127.0.0.1:8765 behandler demo-behandler-2026 var/scan/staff
"""

from __future__ import annotations

import json
import re
import sys

import httpx


def main(base: str, username: str, password: str, out: str) -> None:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        page = client.get("/personale/log-ind")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post("/personale/log-ind", data={"csrf_token": token, "username": username,
                                                           "password": password})
        if response.status_code != 303:
            sys.exit(f"sign-in failed: {response.status_code}")
        jar = {}
        for cookie in client.cookies.jar:
            jar.setdefault(cookie.path or "/", {})[cookie.name] = {
                "value": cookie.value, "expires": None, "secure": False, "port": None, "version": 0}
        host = httpx.URL(base).host
        with open(f"{out}.json", "w") as fh:
            json.dump({host: jar}, fh)
        with open(f"{out}.header", "w") as fh:
            fh.write("; ".join(f"{c.name}={c.value}" for c in client.cookies.jar))


if __name__ == "__main__":
    main(*sys.argv[1:5])
