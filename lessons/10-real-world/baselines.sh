#!/bin/sh
# shellcheck disable=SC3043 # local: dash, Debian's sh, has it
# baselines.sh: `make baselines LESSON=10` (tools/run_baselines.sh runs it as baselines.sh BUILD_DIR).
# Writes a 1,000,000-line log with the course's generator (seed from lesson.ini), then times, on
# that file from the page cache: the reference on 1 and 2 workers, mawk computing the simple
# aggregates (requests and bytes per endpoint, status counts, top clients: no percentiles),
# and goaccess producing its full report as JSON. Median of 3 runs each (the reference: of 5).
# mawk's aggregates are checked against the reference's report.
# Case B: the course's load generator (the bench's own run) against the skeleton and the
# reference, then wrk against the reference server and against nginx (nginx-light) answering
# the same fixed route, each on the same 2 worker threads, median of 3 runs of 5 s.
# Packages: lesson.ini [baselines].
set -u
out=${1:?usage: baselines.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
drv=$out/baselines
lines=${ANCHOR_LINES:-1000000}
seed=$("${GRADE:?run by make baselines}" ini "$here/lesson.ini" workload.seed) || exit 2
data=$out/baselines-data
log=$data/access.log
[ -x "$drv" ] || { echo "baselines.sh: $drv is missing (make baselines LESSON=10 builds it)" >&2; exit 2; }
PATH=$PATH:/usr/sbin # nginx
for tool in mawk goaccess wrk nginx; do
	command -v $tool >/dev/null || { echo "baselines.sh: $tool is missing (tools/deps.sh packages mawk goaccess wrk nginx-light)" >&2; exit 2; }
done
mkdir -p "$data"
"$drv" --write "$log" "$lines" "${seed:-1}" || exit 1
cat "$log" >/dev/null # into the page cache: every tool reads it from memory
bytes=$(wc -c <"$log")

# the simple aggregates, as a one-off awk script would compute them
cat >"$data/aggregates.awk" <<'AWK'
BEGIN { FS = "\"" }
{ lines++ }
NF != 7 { bad++; next }
{
	split($3, sb, " "); status[sb[1]]++; requests++; bytes += sb[2]
	key = $2; sub(/\?.*/, "", key)
	if (match(key, /^[^ ]* [^ ]*/)) key = substr(key, 1, RLENGTH)
	n[key]++; b[key] += sb[2]
	split($1, a, " "); c[a[1]]++
}
END {
	printf "lines %d malformed %d\nrequests %d bytes %.0f\n", lines, bad, requests, bytes
	for (s in status) printf "status %s %d\n", s, status[s]
	for (k in n) printf "endpoint \"%s\" requests %d bytes %.0f\n", k, n[k], b[k]
	for (i = 1; i <= 10; i++) {
		best = ""
		for (ip in c) if (best == "" || c[ip] > c[best] || (c[ip] == c[best] && ip < best)) best = ip
		if (best == "") break
		printf "client %s requests %d\n", best, c[best]; delete c[best]
	}
}
AWK

# median wall-clock ms of 3 runs of a command
median3() {
	t=""
	for _ in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "baselines.sh: failed: $*" >&2; exit 1; }
		t="$t $(( ($(date +%s%N) - s) / 1000000 ))"
	done
	# shellcheck disable=SC2086 # one time per word
	echo $t | tr ' ' '\n' | sort -n | sed -n 2p
}

ref1=$("$drv" --analyze "$log" 1 5 | sed -n 's/^ms //p')
ref2=$("$drv" --analyze "$log" 2 5 | sed -n 's/^ms //p')
[ -n "$ref1" ] && [ -n "$ref2" ] || exit 1
"$drv" --analyze "$log" 2 1 | sed 1d >"$data/reference.txt"
awk_ms=$(median3 mawk -f "$data/aggregates.awk" "$log") && [ -n "$awk_ms" ] || exit 1
mawk -f "$data/aggregates.awk" "$log" >"$data/mawk.txt"
goa_ms=$(median3 goaccess "$log" --no-global-config --log-format='%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %T' \
	--date-format=%d/%b/%Y --time-format=%T --ignore-panel=GEO_LOCATION -o "$data/goaccess.json") &&
	[ -n "$goa_ms" ] || exit 1

# mawk's aggregates against the reference's (percentiles cut off, sorted)
sed -e 's/ p50_us.*//' "$data/reference.txt" | sort >"$data/reference.cmp"
sort "$data/mawk.txt" >"$data/mawk.cmp"
same=$(cmp -s "$data/reference.cmp" "$data/mawk.cmp" && echo yes || echo NO)

row() { # name, what, ms
	awk -v n="$1" -v w="$2" -v ms="$3" -v b="$bytes" -v l="$lines" -v r="$ref2" 'BEGIN {
		printf "| %s | %s | %.0f | %.0f | %.1f | %.1fx |\n", n, w, ms, b / 1e6 / (ms / 1e3),
		    l / 1e6 / (ms / 1e3), ms / r }'
}
echo "$lines lines, $bytes bytes, seed ${seed:-1}; wall-clock ms, median of 3 (reference: of 5); $(nproc) CPUs"
echo
echo "| program | computes | ms | MB/s | M lines/s | time / reference (2 workers) |"
echo "|---|---|---|---|---|---|"
row "reference, 2 workers" "the full report" "$ref2"
row "reference, 1 worker" "the full report" "$ref1"
row "mawk $(mawk -W version 2>&1 | head -n 1 | awk '{print $2}')" "aggregates, no percentiles" "$awk_ms"
row "goaccess $(goaccess --version | head -n 1 | awk '{print $3}' | sed 's/\.$//')" "its full report (JSON)" "$goa_ms"
echo
echo "mawk's requests and bytes per endpoint, status counts and top clients equal the reference's: $same"
rm -f "$log"

# {=== case B: the server ===}
args=$("$GRADE" ini "$here/lesson.ini" workload.args) || exit 2
threads=2
secs=${ANCHOR_SECONDS:-5}

# medians of 3 runs of the bench: "REQ_PER_S P50_US P99_US P999_US", each column on its own
bench_medians() { # impl
	for _ in 1 2 3; do
		# shellcheck disable=SC2086 # args is a list of plain flags
		"$out/$1/bench" $args --seed "${seed:-1}" |
			awk '$1 == "bench" { v[$2] = $3 } END {
				print v["requests_per_s"], v["p50_us"], v["p99_us"], v["p999_us"] }'
	done | awk '{ for (c = 1; c <= 4; c++) col[c, NR] = $c }
		function mid(c,  a, b, x) { a = col[c, 1]; b = col[c, 2]; x = col[c, 3]
			return a + b + x - (a < b ? (a < x ? a : x) : (b < x ? b : x)) - (a > b ? (a > x ? a : x) : (b > x ? b : x)) }
		END { print mid(1), mid(2), mid(3), mid(4) }'
}
echo
echo "Case B, the course's load generator (bench.c: $(echo "$args" | sed 's/.*--requests/--requests/')), median of 3:"
echo
echo "| server | requests/s | p50 us | p99 us | p99.9 us |"
echo "|---|---|---|---|---|"
for impl in skeleton reference; do
	# shellcheck disable=SC2046 # four numbers
	set -- $(bench_medians $impl)
	echo "| $impl | $1 | $2 | $3 | $4 |"
done

# wrk against a server on 127.0.0.1:$1, with more wrk options after it; prints
# "REQ_PER_S P50_MS P99_MS" (median of 3 runs)
wrk_median() {
	local port="$1"
	shift
	for _ in 1 2 3; do
		wrk -t2 -c64 -d"${secs}s" --latency "$@" "http://127.0.0.1:$port/ping" |
			awk '/^Requests\/sec:/ { r = $2 }
			     function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v * 1000 }
			     $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
			     END { printf "%.0f %.3f %.3f\n", r, p50, p99 }'
	done | sort -n | sed -n 2p
}

ngx=$(cd "$data" && pwd)/nginx
mkdir -p "$ngx/logs"
# wrk's pipelining: 4 requests per write, as the bench's load sends them (wrk counts each)
cat >"$ngx/pipeline4.lua" <<'LUA'
init = function(args)
	local batch = {}
	for i = 1, 4 do batch[i] = wrk.format(nil, "/ping") end
	pipelined = table.concat(batch)
end
request = function() return pipelined end
LUA
port=$((20000 + $$ % 20000))
cat >"$ngx/nginx.conf" <<NGINX
worker_processes $threads;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 100000000;
	client_body_temp_path $ngx/body;
	proxy_temp_path $ngx/proxy;
	fastcgi_temp_path $ngx/fastcgi;
	uwsgi_temp_path $ngx/uwsgi;
	scgi_temp_path $ngx/scgi;
	server {
		listen 127.0.0.1:$port reuseport;
		location = /ping { return 200 "pong"; }
	}
}
NGINX
nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" &
ngx_pid=$!
mkfifo "$data/serve.in"
"$drv" --serve $threads <"$data/serve.in" >"$data/serve.out" &
ref_pid=$!
exec 3>"$data/serve.in"
sleep 1
ref_port=$(sed -n 's/^port //p' "$data/serve.out")
[ -n "$ref_port" ] || { echo "baselines.sh: the reference server did not start" >&2; kill $ngx_pid; exit 1; }
ref=$(wrk_median "$ref_port")
ngx_row=$(wrk_median "$port")
ref_p4=$(wrk_median "$ref_port" -s "$ngx/pipeline4.lua")
ngx_p4=$(wrk_median "$port" -s "$ngx/pipeline4.lua")
exec 3>&-
wait $ref_pid
kill $ngx_pid
wait $ngx_pid 2>/dev/null
rm -f "$data/serve.in"
case "$ref $ngx_row $ref_p4 $ngx_p4" in
"0 "* | *" 0 "* | " "* | *" ") echo "baselines.sh: wrk failed (see $ngx/logs/error.log)" >&2; exit 1 ;;
esac
echo
echo "Case B, wrk $(wrk -v 2>&1 | head -n 1 | awk '{print $2}') -t2 -c64 -d${secs}s on GET /ping, median of 3; both servers on $threads threads:"
echo
echo "| server | requests | requests/s | p50 ms | p99 ms | nginx / server |"
echo "|---|---|---|---|---|---|"
nginx_version=$(nginx -v 2>&1 | sed 's/.*nginx\///')
pair() { # what nginx_row reference_row
	# shellcheck disable=SC2086 # each row is split into its fields
	set -- "$1" $2 $3
	local what="$1" rps="$2"
	echo "| nginx $nginx_version | $what | $2 | $3 | $4 | 1.00x |"
	shift 4
	echo "| reference | $what | $1 | $2 | $3 | $(awk -v a="$rps" -v b="$1" 'BEGIN { printf "%.2fx", a / b }') |"
}
pair "one at a time" "$ngx_row" "$ref"
pair "4 pipelined" "$ngx_p4" "$ref_p4"
