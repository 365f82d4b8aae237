"""Summarise a bench/scan.sh run: wapiti findings per category, sqlmap's verdict per target, and
any 5xx the server answered during the scans.

    python bench/scan_summary.py var/scan/<time>
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def wapiti(path: Path) -> list[str]:
    if not path.exists():
        return [f"{path.name}: no report (wapiti did not finish)"]
    report = json.loads(path.read_text())
    lines = [f"{path.name}: {report.get('infos', {}).get('target', '')}"]
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, findings in sorted(report.get(section, {}).items()):
            if not findings:
                continue
            lines.append(f"  [{section}] {category}: {len(findings)}")
            seen = set()
            for finding in findings:
                key = (finding.get("path"), finding.get("parameter"), finding.get("info"))
                if key in seen:
                    continue
                seen.add(key)
                lines.append(f"    {finding.get('method', '')} {finding.get('path', '')}"
                             f" param={finding.get('parameter', '')!s:.40} :: {str(finding.get('info', ''))[:160]}")
                if len(seen) >= 8:
                    lines.append("    ...")
                    break
    if len(lines) == 1:
        lines.append("  nothing found")
    return lines


def sqlmap(path: Path) -> list[str]:
    text = path.read_text(errors="replace")
    name = path.stem.removeprefix("sqlmap-")
    if re.search(r"is vulnerable|sqlmap identified the following injection point", text):
        verdict = "INJECTABLE (see log)"
    elif "all tested parameters do not appear to be injectable" in text:
        verdict = "no injectable parameter"
    else:
        verdict = "no verdict within the time limit"
    tested = sorted(set(re.findall(r"(?:testing if|testing for SQL injection on) (?:POST|GET) parameter '([^']+)'",
                                   text)))
    codes = re.findall(r"HTTP error codes detected during run:\n([^\n]+)", text)
    return [f"sqlmap {name}: {verdict}; parameters tested: {', '.join(tested) or '-'}"
            + (f"; HTTP errors seen: {codes[-1]}" if codes else "")]


def main(folder: str) -> None:
    out = Path(folder)
    lines = []
    for name in ("wapiti-public.json", "wapiti-staff.json"):
        lines += wapiti(out / name)
    for path in sorted(out.glob("sqlmap-*.log")):
        lines += sqlmap(path)
    log = (out / "server.log").read_text(errors="replace") if (out / "server.log").exists() else ""
    errors = [l for l in log.splitlines() if "unhandled" in l or "Traceback" in l]
    lines.append(f"server: {len(errors)} unhandled errors logged")
    lines += [f"  {l[:200]}" for l in errors[:20]]
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
