#!/bin/bash
# doctor.sh: `make doctor`: checks that this machine can run the course, and prints the fix for
# each problem: the compiler, Valgrind (able to run a program under callgrind), Criterion and
# cmocka, bubblewrap and user namespaces, address randomisation (sanitizers), the CPU; and, for
# instructors, what grading on a cluster needs (notes only: doctor_cluster.sh).
# usage: tools/student/doctor.sh [--cluster]    exit 0 when everything required works, else 1
#        --cluster: only the cluster's part
set -u
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/doctor_cluster.sh"

work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
broken=0
GREEN='' RED='' YELLOW='' OFF=''
if use_color; then
	GREEN=$'\033[32m' RED=$'\033[31m' YELLOW=$'\033[33m' OFF=$'\033[0m'
fi

ok() { printf '%sok%s    %s\n' "$GREEN" "$OFF" "$1"; }
note() { printf '%snote%s  %s\n' "$YELLOW" "$OFF" "$1"; [ -n "${2:-}" ] && printf '      %s\n' "$2"; }
warn() { printf '%swarn%s  %s\n      fix: %s\n' "$YELLOW" "$OFF" "$1" "$2"; }
fail() { printf '%sFAIL%s  %s\n      fix: %s\n' "$RED" "$OFF" "$1" "$2"; broken=1; }

# {=== the toolchain ===}

check_compiler() {
	if ! command -v gcc >/dev/null 2>&1; then
		fail "compiler: gcc not found" "make deps (installs gcc)"
		return
	fi
	printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$work/hello.c"
	if ! gcc -std=c11 -O2 -g -Wall -Wextra -Werror "$work/hello.c" -o "$work/hello" \
		2>"$work/cc.err"; then
		fail "compiler: gcc cannot build a C11 program: $(head -n 1 "$work/cc.err")" \
			"make deps (installs gcc and libc6-dev)"
		return
	fi
	local version
	version=$(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)
	if [ "${version%%.*}" = 12 ]; then
		ok "compiler: gcc $version builds C11 with -Wall -Wextra -Werror"
	else
		note "compiler: gcc $version works; budgets were measured with gcc 12" \
			"instruction counts may differ from the budgets by a few percent"
	fi
	command -v make >/dev/null 2>&1 || fail "make: not found" "apt-get install make"
}

check_valgrind() {
	if ! command -v valgrind >/dev/null 2>&1; then
		fail "valgrind: not found" "make deps (installs valgrind)"
		return
	fi
	local version
	version=$(valgrind --version 2>/dev/null)
	[ -x "$work/hello" ] || {
		fail "valgrind: nothing to run it on (the compiler failed above)" "fix the compiler first"
		return
	}
	if valgrind --tool=callgrind --vgdb=no --callgrind-out-file="$work/callgrind.out" \
		"$work/hello" >/dev/null 2>"$work/vg.err" && grep -q '^totals:\|^summary:' "$work/callgrind.out"; then
		ok "valgrind: ${version:-?} runs a program under callgrind"
	elif grep -q 'unhandled instruction\|SIGILL' "$work/vg.err"; then
		fail "valgrind: callgrind stops on an instruction it cannot run (AVX-512?)" \
			"build nothing for the host CPU (-march set to native); upgrade Valgrind (3.19 lacks AVX-512)"
	else
		fail "valgrind: callgrind cannot run a tiny program: $(grep -v '^==' "$work/vg.err" | head -n 1)" \
			"make deps; in a container, run it with --security-opt seccomp=unconfined"
	fi
	[ -f /usr/include/valgrind/callgrind.h ] ||
		fail "valgrind: no valgrind/callgrind.h (the bench drivers mark their region with it)" \
			"make deps (installs valgrind's headers: valgrind-devel on Fedora)"
	command -v ms_print >/dev/null 2>&1 || warn "valgrind: no ms_print (make compare uses it)" "make deps"
}

check_libraries() {
	local lib pkg version
	for lib in criterion cmocka; do
		pkg=$lib
		if ! command -v pkg-config >/dev/null 2>&1; then
			fail "$lib: pkg-config not found, cannot look for it" "make deps (installs pkg-config)"
		elif version=$(pkg-config --modversion "$pkg" 2>/dev/null); then
			ok "$lib: $version (pkg-config)"
		else
			fail "$lib: not found by pkg-config" \
				"make deps (installs lib$lib-dev; $lib-devel or lib$lib-devel on Fedora)"
		fi
	done
	if command -v jq >/dev/null 2>&1; then
		ok "jq: $(jq --version)"
	else
		fail "jq: not found (make test and make progress read JSON with it)" "make deps"
	fi
}

# }===

# {=== the sandbox and the sanitizers ===}

check_sandbox() {
	if ! command -v bwrap >/dev/null 2>&1; then
		warn "bubblewrap: not found (batch grading runs every submission in it)" "make deps"
		return
	fi
	if bwrap --unshare-all --die-with-parent --ro-bind / / true 2>"$work/bwrap.err"; then
		ok "bubblewrap: runs a sandbox with every namespace unshared (user namespaces work)"
		return
	fi
	local why fix="sudo sysctl -w kernel.unprivileged_userns_clone=1"
	why=$(head -n 1 "$work/bwrap.err")
	if [ "$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns 2>/dev/null)" = 1 ]; then
		fix="Ubuntu 24.04 blocks user namespaces: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
	elif [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" = 0 ]; then
		fix="sudo sysctl -w user.max_user_namespaces=15000"
	elif [ -f /.dockerenv ] || grep -qa 'docker\|containerd' /proc/1/cgroup 2>/dev/null; then
		fix="in a container: run it with --security-opt seccomp=unconfined (the dev container does)"
	fi
	warn "bubblewrap: cannot make a sandbox (${why:-no reason given}); batch grading needs it" "$fix"
}

check_randomisation() {
	local bits
	bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null)
	if [ -z "$bits" ]; then
		note "vm.mmap_rnd_bits: unreadable here; sanitizer runs use setarch -R anyway"
	elif [ "$bits" -gt 28 ]; then
		note "vm.mmap_rnd_bits = $bits (> 28): AddressSanitizer breaks without setarch -R" \
			"the course runs sanitizer binaries under 'setarch $(uname -m) -R'; do the same by hand"
	else
		ok "vm.mmap_rnd_bits = $bits: sanitizers run (the course still uses setarch -R)"
	fi
	if ! setarch "$(uname -m)" -R true 2>"$work/setarch.err"; then
		fail "setarch -R: cannot turn address randomisation off: $(head -n 1 "$work/setarch.err")" \
			"in a container: run it with --security-opt seccomp=unconfined (the dev container does)"
	fi
}

# }===

check_cpu() {
	local arch flags
	arch=$(uname -m)
	if [ "$arch" != x86_64 ]; then
		note "cpu: $arch: instruction, cache and branch budgets are skipped (measured on x86-64)" \
			"allocation, call-count and peak-heap budgets still run; scores stay relative"
		return
	fi
	flags=$(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null)
	if grep -qw avx2 <<<"$flags"; then
		ok "cpu: AVX2 present (the widest code the course runs)"
	else
		warn "cpu: no AVX2: SIMD lessons fall back to their portable path" \
			"nothing to install; budgets assume an AVX2 machine"
	fi
	if grep -qw avx512f <<<"$flags"; then
		note "cpu: AVX-512 present: Valgrind 3.19 cannot run it (SIGILL)" \
			"the course never emits it (no -march for the host CPU); keep it out of your own flags too"
	fi
}

if [ "${1:-}" = --cluster ]; then
	echo "doctor: checking what grading on a cluster needs on $(uname -sm)"
	check_cluster
	exit 0
fi
echo "doctor: checking what the course needs on $(uname -sm)"
check_compiler
check_valgrind
check_libraries
check_sandbox
check_randomisation
check_cpu
check_cluster
echo
if [ $broken = 1 ]; then
	echo "doctor: something required is broken (FAIL above); each line says the fix"
	exit 1
fi
echo "doctor: everything required works. Next: $(tools/student/next_step.sh --short)"
