#!/bin/bash
# test_devcontainer.sh: `make test-devcontainer`: runs the dev container's post-create step
# (.devcontainer/devcontainer.json's postCreateCommand, `make deps`) in a fresh Debian 12 root,
# without Docker: debootstrap builds the root once (cached as build/devcontainer-root.tar), each
# run unpacks it anew, copies the course in and runs the command inside with chroot as the
# image's user `vscode` (sudo without a password, as in the image); then
# `make lesson01 IMPL=reference` proves the container can do the course's work.
# The root itself lives under /var/tmp, never under build/: the Makefile includes every
# `*.d` that `find build` lists, and a Debian root is full of folders such as etc/rc2.d.
# usage: tools/student/test_devcontainer.sh     (as root; takes minutes: not part of make test)
# DEVCONTAINER_MIRROR overrides the Debian mirror (default: the host's, else deb.debian.org).
set -u
. "$(dirname "$0")/common.sh"

cache=$BUILD/devcontainer-root.tar
json=.devcontainer/devcontainer.json
started=$SECONDS

[ "$(id -u)" -eq 0 ] || die test-devcontainer "needs root (debootstrap and chroot)" \
	"run it as root: sudo make test-devcontainer"
command -v jq >/dev/null 2>&1 || die test-devcontainer "jq is missing" "run make deps"
post_create=$(jq -er '.postCreateCommand' "$json") ||
	die test-devcontainer "no postCreateCommand in $json" "add one: \"make deps\""
if ! command -v debootstrap >/dev/null 2>&1; then
	echo "test-devcontainer: installing debootstrap (apt-get install debootstrap)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap \
		>/dev/null || die test-devcontainer "cannot install debootstrap" \
		"install it by hand: apt-get install debootstrap"
fi

mirror() { # the host's Debian mirror when it has one
	local uri
	uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	echo "${DEVCONTAINER_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

root=$(mktemp -d -p /var/tmp nightmare-devcontainer.XXXXXX) && chmod 755 "$root" || exit 2
# Every mount is made in a private mount namespace and dies with it; the root is removed only
# when nothing is mounted inside it.
cleanup() {
	grep -q " $root/" /proc/mounts && {
		echo "test-devcontainer: something is still mounted in $root; not removing it" >&2
		return
	}
	rm -rf "$root"
}
trap cleanup EXIT
mkdir -p "$BUILD"

# {=== the image: Debian 12 minbase plus what the dev container image brings (make, sudo, a
# `vscode` user with sudo rights), debootstrapped once ===}
if [ ! -s "$cache" ]; then
	echo "test-devcontainer: debootstrap bookworm (minbase) from $(mirror): the first run only"
	t=$SECONDS
	unshare --mount --propagation private debootstrap --variant=minbase \
		--include=make,sudo,ca-certificates bookworm "$root" "$(mirror)" \
		>"$BUILD/devcontainer-debootstrap.log" 2>&1 ||
		die test-devcontainer "debootstrap failed (log: $BUILD/devcontainer-debootstrap.log)" \
			"check the network and the mirror; DEVCONTAINER_MIRROR=URL picks another"
	chroot "$root" useradd --create-home --shell /bin/bash vscode
	echo 'vscode ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/vscode"
	chmod 0440 "$root/etc/sudoers.d/vscode"
	tar -C "$root" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache" ||
		die test-devcontainer "cannot write $cache" "is build/ full?"
	echo "test-devcontainer: root made in $((SECONDS - t)) s, cached in $cache"
else
	# a fresh root every run: the post-create step installs everything, as in a new container
	tar -C "$root" -xf "$cache" || die test-devcontainer "cannot unpack $cache" \
		"remove it to debootstrap again"
fi
# }===
cp /etc/resolv.conf "$root/etc/resolv.conf"
# sudo looks the host name up; a container's /etc/hosts names it
printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$(uname -n)" >"$root/etc/hosts"
mkdir -p "$root/workspaces/course"
# the files a clone has (tracked and new, not ignored): no build/, no .course/
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -T - -cf - 2>/dev/null
else
	tar --exclude=./build --exclude=./.course -cf - .
fi | tar -C "$root/workspaces/course" -xf - || die test-devcontainer "cannot copy the course in" \
	"is build/ full?"
chroot "$root" chown -R vscode:vscode /workspaces/course

# in_container COMMAND: runs COMMAND in the course folder as vscode, as the container would
in_container() {
	unshare --mount --pid --fork --propagation private bash -c '
		mount -t proc proc "$1/proc" && mount -t tmpfs -o mode=1777 tmpfs "$1/dev/shm" &&
		exec chroot "$1" /usr/sbin/runuser -u vscode -- env -i HOME=/home/vscode \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 \
			bash -c "cd /workspaces/course && $2"' _ "$root" "$1"
}

status=0
t=$SECONDS
echo "test-devcontainer: postCreateCommand '$post_create' in the Debian 12 root"
if in_container "$post_create" >"$BUILD/devcontainer-postcreate.log" 2>&1; then
	echo "  ok: '$post_create' took $((SECONDS - t)) s"
else
	status=1
	echo "  FAIL: '$post_create' exited non-zero after $((SECONDS - t)) s; its last lines:"
	tail -n 20 "$BUILD/devcontainer-postcreate.log" | sed 's/^/  | /'
fi
if [ $status = 0 ]; then
	t=$SECONDS
	if in_container 'tools/deps.sh check && make lesson01 IMPL=reference' \
		>"$BUILD/devcontainer-lesson01.log" 2>&1; then
		echo "  ok: deps check and make lesson01 IMPL=reference pass inside ($((SECONDS - t)) s)"
	else
		status=1
		echo "  FAIL: make lesson01 IMPL=reference in the container; its last lines:"
		tail -n 20 "$BUILD/devcontainer-lesson01.log" | sed 's/^/  | /'
	fi
fi
echo "test-devcontainer: logs in $BUILD/devcontainer-*.log; took $((SECONDS - started)) s"
[ $status = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
