#!/usr/bin/env bash
# Security scans of a demo server on 127.0.0.1 with wapiti and sqlmap (Debian packages).
# Reports go to var/scan/<UTC time>/ (not committed); a summary is printed at the end.
#   bench/scan.sh        # the scans load the machine: take the lock
# Time limits keep the whole run under about 15 minutes:
#   WAPITI_PUBLIC_S (default 210) and WAPITI_STAFF_S (150) seconds of wapiti, and a budget per sqlmap
#   target (SQLMAP_SCALE=0.5 halves them all for a quick look).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-$ROOT/.venv/bin/python}
PORT=${PORT:-8765}
BASE="http://127.0.0.1:$PORT"
OUT="$ROOT/var/scan/$(date -u +%Y%m%dT%H%M%SZ)"
WAPITI_PUBLIC_S=${WAPITI_PUBLIC_S:-210}
WAPITI_STAFF_S=${WAPITI_STAFF_S:-150}
SQLMAP_SCALE=${SQLMAP_SCALE:-1}
mkdir -p "$OUT"
echo "reports: $OUT"
uptime | tee "$OUT/uptime.txt"

"$PY" bench/scan_server.py --db "$OUT/demo.db" --port "$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 1; done
curl -fs "$BASE/healthz" >/dev/null || { echo "server did not start"; cat "$OUT/server.log"; exit 1; }

# A signed-in counsellor (2FA is off on the scan server) and an admin for the staff pages.
"$PY" bench/scan_login.py "$BASE" behandler demo-behandler-2026 "$OUT/counsellor" || exit 1
"$PY" bench/scan_login.py "$BASE" admin demo-admin-2026 "$OUT/admin" || exit 1

# sqlmap first: the wapiti crawlers below submit every form they find (as admin they deactivate
# colleagues and cancel sessions), which would leave sqlmap's targets gone.
# sqlmap: the sign-in and intake forms. --csrf-token/--csrf-url fetch a fresh token per request.
# Level 2 / risk 2 (level 3 adds User-Agent/Referer injection, which the app never reads into SQL).
sqlmap_run() {  # name seconds url data [extra sqlmap args...]
  local name=$1 seconds=$2 url=$3 data=$4
  shift 4
  seconds=$("$PY" -c "print(max(10, int($seconds * $SQLMAP_SCALE)))")
  echo "== sqlmap: $name (${seconds}s)"
  timeout "$seconds" sqlmap -u "$url" --data "$data" --csrf-token csrf_token --csrf-url "$url" --batch \
    --level 2 --risk 2 --flush-session --output-dir "$OUT/sqlmap" --time-sec 2 --timeout 15 --retries 1 \
    --disable-coloring -v 1 "$@" >"$OUT/sqlmap-$name.log" 2>&1
  echo "   exit $? (124 = time limit reached)"
}
CSRF="csrf_token=x"
sqlmap_run status 60 "$BASE/status" "$CSRF&code=ABCD-EFGH-JKMN-PQRS-TVWX" -p code
# Each wrong password costs an argon2 verification: only the username reaches a query.
sqlmap_run staff-signin 120 "$BASE/personale/log-ind" "$CSRF&username=behandler&password=wrong-password-1" -p username
sqlmap_run behandling 60 "$BASE/behandling" "$CSRF&age=30plus&area=alcohol&for_whom=self&anonymity=anonymous&screening="
sqlmap_run behandling-send 90 "$BASE/behandling/send" \
  "$CSRF&age=30plus&area=alcohol&for_whom=self&anonymity=anonymous&display_name=Kim&message=Hej&preferred_contact=portal&other_social_problems=no" \
  --csrf-url "$BASE/behandling"
SESSION_ID=$(curl -fs "$BASE/api/v1/raadgivning" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["id"] if d else 1)')
sqlmap_run raadgivning 75 "$BASE/raadgivning/$SESSION_ID" \
  "$CSRF&who=self&age=30plus&identity=anonymous&nickname=Kim&mode=in_person"
sqlmap_run staff-message 75 "$BASE/personale/sager/1/beskeder" "$CSRF&body=Hej" \
  --csrf-url "$BASE/personale/sager/1" --cookie "$(cat "$OUT/counsellor.header")"

# wapiti's crawler submits the forms it finds: keep it from signing itself out. (Through
# bench/wapiti_py311.py: wapiti 3.0.4 crashes on any -x pattern under Python 3.11.)
WAPITI=(/usr/bin/python3 bench/wapiti_py311.py)
EXCLUDES=(-x "$BASE/personale/log-ud" -x "$BASE/min-side/log-ud" -x "$BASE/personale/sessioner/*")

echo "== wapiti: public pages and forms (${WAPITI_PUBLIC_S}s)"
# Modules left out: nikto/wapp/buster/brute_login_form (wordlists and fingerprinting, not this app's
# code) and ssrf/xxe (they need wapiti's endpoint on the internet; this machine has no access).
MODULES="all,-nikto,-wapp,-buster,-brute_login_form,-ssrf,-xxe"
# wapiti writes its report only after the module running at --max-scan-time ends: leave it slack.
timeout $((WAPITI_PUBLIC_S + 240)) "${WAPITI[@]}" -u "$BASE/" --scope folder -m "$MODULES" \
  --flush-session --max-scan-time "$WAPITI_PUBLIC_S" --max-attack-time 30 -d 4 -t 10 "${EXCLUDES[@]}" \
  -f json -o "$OUT/wapiti-public.json" -v 0 --no-bugreport \
  --store-session "$OUT/wapiti-session" >"$OUT/wapiti-public.log" 2>&1
echo "   exit $?"

echo "== wapiti: staff pages signed in as admin (${WAPITI_STAFF_S}s)"
# The staff home is /personale (no slash; /personale/ redirects), so the scope is the host and the
# crawl starts from the main staff pages.
timeout $((WAPITI_STAFF_S + 240)) "${WAPITI[@]}" -u "$BASE/personale" --scope domain -c "$OUT/admin.json" \
  -s "$BASE/personale/indbakke" -s "$BASE/personale/sager/1" -s "$BASE/personale/raadgivning" \
  -s "$BASE/personale/medarbejdere" -s "$BASE/personale/min-konto" -m "$MODULES" \
  --flush-session --max-scan-time "$WAPITI_STAFF_S" --max-attack-time 25 -d 3 -t 10 "${EXCLUDES[@]}" \
  -f json -o "$OUT/wapiti-staff.json" -v 0 --no-bugreport \
  --store-session "$OUT/wapiti-session" >"$OUT/wapiti-staff.log" 2>&1
echo "   exit $?"

echo "== summary"
"$PY" bench/scan_summary.py "$OUT" | tee "$OUT/summary.txt"
uptime | tee -a "$OUT/uptime.txt"
