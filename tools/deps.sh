#!/bin/sh
# deps.sh: checks and installs what the course needs (apt on Debian/Ubuntu, dnf on Fedora) and
# creates the unprivileged grading users: ngrade1..ngrade4, a batch's graders (one per slot), and
# ngradestu1..ngradestu4, the identities a root grader runs student code as (DESIGN.md,
# "Isolation").
# usage: tools/deps.sh check     exit 0 when everything is present, else list what is missing
#        tools/deps.sh install   install it (through sudo when not root)
#        tools/deps.sh packages P...  install distribution packages P unless present (baselines)
#        tools/deps.sh dev       install the course developers' tools too (make lint)
#        tools/deps.sh cluster   what grading on a cluster and make test-cluster need (Slurm,
#                                munge, GNU parallel, ssh); never part of install
set -u

# inotify-tools (make watch sees saves at once), tmux (the course tests drive make watch in it)
# and libxml2-utils (xmllint checks the HTML report) are wanted but not required: without them
# make watch polls and the tests that need them say they were skipped.
# libarchive reads a class's archived submissions (grade batch); tar, gzip, zip and unzip make the
# course's own test archives.
APT_PACKAGES="gcc make pkg-config binutils util-linux valgrind libcriterion-dev libcmocka-dev libarchive-dev bubblewrap jq tar gzip zip unzip inotify-tools tmux libxml2-utils"
DNF_PACKAGES="gcc make pkgconf binutils util-linux valgrind valgrind-devel criterion-devel libcmocka-devel libarchive-devel bubblewrap jq tar gzip zip unzip inotify-tools tmux libxml2"
# The course's tests render the HTML report in headless Chromium where it is installed. Debian
# ships it as a package; Ubuntu's chromium package only installs a snap, which fails in CI and
# containers, so it is left out there (the test then says it was skipped, and why).
DEBIAN_ONLY_PACKAGES="chromium"
# The course developers' tools, which taking the course does not need: make lint's shellcheck and
# clang-format 14 (Debian 12's; tools/lint.sh says why the version is pinned).
DEV_APT_PACKAGES="shellcheck clang-format-14"
DEV_DNF_PACKAGES="ShellCheck clang-tools-extra"
# An instructor's cluster (README: "A cluster"), and make test-cluster's single-node Slurm: the
# Slurm daemons and commands, munge (their authentication), GNU parallel and ssh.
CLUSTER_APT_PACKAGES="slurmctld slurmd slurm-client munge parallel openssh-server openssh-client"
CLUSTER_DNF_PACKAGES="slurm slurm-slurmctld slurm-slurmd munge parallel openssh-server openssh-clients"
GRADING_USERS="ngrade1 ngrade2 ngrade3 ngrade4 ngradestu1 ngradestu2 ngradestu3 ngradestu4"

missing() {
	for cmd in gcc make valgrind jq setarch nm objdump bwrap tar gzip zip unzip; do
		command -v "$cmd" >/dev/null 2>&1 || echo "$cmd"
	done
	for header in criterion/criterion.h cmocka.h archive.h valgrind/callgrind.h; do
		[ -f "/usr/include/$header" ] || echo "$header"
	done
	for user in $GRADING_USERS; do
		id "$user" >/dev/null 2>&1 || echo "user $user"
	done
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		echo "deps: running as root through sudo: $*" >&2
		sudo "$@"
	else
		echo "deps: need root to run: $*" >&2
		echo "  run this command as root, or install sudo" >&2
		exit 1
	fi
}

install_packages() {
	if command -v apt-get >/dev/null 2>&1; then
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || exit 1
		packages=$APT_PACKAGES
		[ "$(. /etc/os-release 2>/dev/null && echo "$ID")" = debian ] && packages="$packages $DEBIAN_ONLY_PACKAGES"
		# shellcheck disable=SC2086 # a list of package names
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages || exit 1
	elif command -v dnf >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		as_root dnf install -y $DNF_PACKAGES || exit 1
	else
		echo "deps: no apt-get or dnf here. Install by hand: a C11 compiler, make, Valgrind," >&2
		echo "  Criterion, cmocka, bubblewrap and jq; or use the dev container (README, 'Platforms')." >&2
		exit 1
	fi
}

create_users() {
	for user in $GRADING_USERS; do
		id "$user" >/dev/null 2>&1 && continue
		as_root useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$user" || exit 1
	done
}

# The packages among "$@" not installed yet (dpkg or rpm knows).
absent_packages() {
	for package in "$@"; do
		if command -v dpkg-query >/dev/null 2>&1; then
			dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || echo "$package"
		elif command -v rpm >/dev/null 2>&1; then
			rpm -q "$package" >/dev/null 2>&1 || echo "$package"
		else
			echo "$package"
		fi
	done
}

case "${1:-}" in
cluster)
	if command -v apt-get >/dev/null 2>&1; then
		# shellcheck disable=SC2086 # a list of package names
		exec "$0" packages $CLUSTER_APT_PACKAGES
	fi
	# shellcheck disable=SC2086
	exec "$0" packages $CLUSTER_DNF_PACKAGES ;;
packages)
	shift
	list=$(absent_packages "$@")
	[ -z "$list" ] && exit 0
	# shellcheck disable=SC2086 # the names on one line
	echo "deps: installing" $list
	if command -v apt-get >/dev/null 2>&1; then
		# shellcheck disable=SC2086 # a list of package names
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $list ||
			{ as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $list; } || exit 1
	elif command -v dnf >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		as_root dnf install -y $list || exit 1
	else
		echo "deps: install these packages by hand: $list" >&2
		exit 1
	fi ;;
check)
	list=$(missing)
	[ -z "$list" ] && exit 0
	echo "$list" | tr '\n' ' ' | sed 's/ $//' >&2
	echo >&2
	exit 1 ;;
dev)
	# shellcheck disable=SC2086 # a list of package names
	if command -v apt-get >/dev/null 2>&1; then "$0" packages $DEV_APT_PACKAGES; else "$0" packages $DEV_DNF_PACKAGES; fi ;;
install)
	install_packages
	create_users
	list=$(missing)
	if [ -n "$list" ]; then
		echo "deps: still missing after install: $list" >&2
		exit 1
	fi
	echo "deps: everything the course needs is installed" ;;
*)
	echo "usage: tools/deps.sh check|install|dev|cluster|packages P..." >&2
	exit 2 ;;
esac
