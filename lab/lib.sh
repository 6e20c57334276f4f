# Shared by lab/build-image, lab/boot, lab/run-scenarios, lab/shell.
# Sourced, not run.

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/.." && pwd)
LAB_CACHE=${PTRACE_LAB_CACHE:-$LAB_DIR/cache}
LAB_VARIANT=${LAB_VARIANT:-base}
# A variant may combine others with "+" (bpftrace+bpo612: bpftrace on the
# 6.12 backports kernel): the package lists of each part are joined.
LAB_VARIANT_PARTS=$(echo "$LAB_VARIANT" | tr '+' ' ')

# The Debian release of a variant, its Xen version and its base package
# list: every variant is bookworm + Xen 4.17 on lab/packages, except
# trixie (Debian 13: Xen 4.20, Linux 6.12, on lab/packages.trixie alone).
case $LAB_VARIANT in
trixie)
	LAB_SUITE=trixie
	LAB_XEN=4.20
	LAB_BASE_PACKAGES=$LAB_DIR/packages.trixie
	;;
*)
	LAB_SUITE=bookworm
	LAB_XEN=4.17
	LAB_BASE_PACKAGES=$LAB_DIR/packages
	;;
esac

# The Debian mirror of this machine's apt sources (deb822 URIs: lines
# first, then one-line "deb" entries): the first one whose path ends in
# /debian, so security and third-party archives are skipped.
lab_mirror()
{
	{ sed -n 's/^URIs://p' /etc/apt/sources.list.d/*.sources 2>/dev/null
	  sed -n 's/^deb \(\[[^]]*\] \)*//p' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '{ print $1 }'; } |
		tr -s ' \t' '\n\n' | grep -E '^(https?|file):.*/debian/?$' |
		head -n 1 | sed 's|/$||'
}

# Only where debootstrap needs it: the lookup is not part of any hash.
lab_mirror_or_die()
{
	LAB_MIRROR=${LAB_MIRROR:-$(lab_mirror)}
	[ -n "$LAB_MIRROR" ] ||
		lab_die "no Debian mirror in the apt sources; set LAB_MIRROR"
}

# Files whose content decides the image.  Change one: rebuild.
lab_inputs()
{
	echo "$LAB_DIR/build-image" "$LAB_DIR/lib.sh" "$LAB_BASE_PACKAGES" \
		"$LAB_DIR/dom0-init" "$LAB_DIR/domu-init"
	for v in $LAB_VARIANT_PARTS; do
		for f in "$LAB_DIR/packages.$v" "$LAB_DIR/backports.$v"; do
			if [ -f "$f" ]; then
				echo "$f"
			fi
		done
	done
}

# The files of the variant's parts named PREFIX.<part> that exist.
lab_variant_files()
{
	for v in $LAB_VARIANT_PARTS; do
		if [ -f "$LAB_DIR/$1.$v" ]; then
			echo "$LAB_DIR/$1.$v"
		fi
	done
}

# Packages of the variant taken from bookworm-backports, one line.
lab_backports()
{
	files=$(lab_variant_files backports)
	if [ -n "$files" ]; then
		sed 's/#.*//' $files |
			tr -s ' \n' '\n' | grep . | sort -u | tr '\n' ' '
	fi
}

# Package list of the variant, one line.
lab_packages()
{
	cat "$LAB_BASE_PACKAGES" $(lab_variant_files packages) |
		sed 's/#.*//' | tr -s ' \n' '\n' | grep . | sort -u | tr '\n' ' '
}

lab_hash()
{
	{ echo "$LAB_VARIANT"; cat $(lab_inputs); } | sha256sum | cut -c1-12
}

# The debootstrap tree depends only on the packages and the suite.
lab_rootfs_hash()
{
	{ echo "$LAB_SUITE $LAB_VARIANT"; lab_packages; lab_backports; } |
		sha256sum | cut -c1-12
}

lab_image_dir()
{
	echo "$LAB_CACHE/image-$LAB_VARIANT-$(lab_hash)"
}

lab_log()
{
	echo "lab: $*" >&2
}

lab_die()
{
	echo "lab: error: $*" >&2
	exit 1
}

# lab_need cmd:package ...  Install the missing host packages (root), or
# fail saying which.
lab_need()
{
	missing=
	for cp in "$@"; do
		command -v "${cp%%:*}" >/dev/null 2>&1 ||
			missing="$missing ${cp#*:}"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] ||
		lab_die "missing host packages:$missing (run as root to install)"
	lab_log "installing host packages:$missing"
	if ! apt-get install -y --no-install-recommends $missing >&2; then
		apt-get update >&2 &&
			apt-get install -y --no-install-recommends $missing >&2 ||
			lab_die "cannot install host packages:$missing"
	fi
}
