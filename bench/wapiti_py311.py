"""Run Debian's wapiti 3.0.4 with its exclude patterns (-x) working on Python 3.11.

wapiti 3.0.4 builds them as `pattern + r"\\Z(?ms)"`, and Python 3.11 refuses global flags that are
not at the start of a regular expression, so any -x crashed the scan. Same arguments as `wapiti`;
run with the system Python that has wapitiCore: /usr/bin/python3 bench/wapiti_py311.py ...
"""

import re
import sys

from wapitiCore.net import crawler


def wildcard_translate(pattern: str) -> re.Pattern:
    return re.compile("(?ms)" + "".join(".*" if ch == "*" else re.escape(ch) for ch in pattern) + r"\Z")


crawler.wildcard_translate = wildcard_translate

from wapitiCore.main.wapiti import wapiti_main  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "wapiti"
    sys.exit(wapiti_main())
