# shellcheck shell=bash
# json_holds.sh: sourced by the scripts that test JSON with jq. json_holds ARGS... is `jq -e
# ARGS...`, except that input holding no JSON value at all fails too: jq 1.6 (Debian 12's) exits
# 0 for `jq -e FILTER` on an empty file, so a grading killed before it wrote its report passed
# every `jq -e` test made of it (found when a check of the wall lock could not fail).
json_holds() { # json_holds JQ_ARGS...: prints what jq printed; 0 when its last value is true
	local out rc
	out=$(jq -e "$@")
	rc=$?
	[ -n "$out" ] || return $((rc == 0 ? 1 : rc))
	printf '%s\n' "$out"
	return $rc
}
