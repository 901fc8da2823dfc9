#!/bin/sh
# Copies the files Backplan's runtime image needs out of a Debian 12 root file
# system into OUT: every file of PACKAGES and of everything they depend on
# (Depends/Pre-Depends, first installed alternative), /bin/sleep for the
# preStop hook, the CA bundle, the account files and the loader cache. No
# shell, no package manager, no docs. Runs inside that root file system (the
# Dockerfile's RUN, or chroot from scripts/build_image.sh), so both builds
# take the same files; POSIX sh + dpkg-query only.
#
#   prune-rootfs.sh OUT PACKAGE...
#
# OUT must not exist. Prints the kept packages, one a line, to OUT.packages.
set -eu

out="$1"
shift
[ ! -e "$out" ] || { echo "prune-rootfs: $out exists" >&2; exit 1; }

# Dependency closure over the dpkg database. ca-certificates is data (the CA
# bundle); its dependencies (openssl, debconf and so perl) only build that
# bundle at install time, so they are not followed.
data_only=" ca-certificates "
want="$*"
kept=""
while [ -n "$want" ]; do
  next=""
  for p in $want; do
    case " $kept " in *" $p "*) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' || {
      echo "prune-rootfs: package $p is not installed" >&2
      exit 1
    }
    kept="$kept $p"
    case "$data_only" in *" $p "*) continue ;; esac
    deps="$(dpkg-query -W -f='${Pre-Depends}, ${Depends}' "$p")"
    # "a (>= 1) | b, c:any" -> for each group, the first installed alternative.
    groups="$(printf '%s\n' "$deps" | tr ',' '\n' | sed 's/([^)]*)//g; s/:any//g; s/ //g')"
    for g in $groups; do
      pick=""
      for alt in $(printf '%s\n' "$g" | tr '|' ' '); do
        if dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q ' installed$'; then
          pick="$alt"
          break
        fi
      done
      [ -n "$pick" ] || { echo "prune-rootfs: $p needs $g, none installed" >&2; exit 1; }
      next="$next $pick"
    done
  done
  want="$next"
done

mkdir -p "$out"
list="$out.files"
: >"$list"
for p in $kept; do
  # Regular files and symlinks; directories come with them. Docs, manuals,
  # locales and lintian overrides are not needed at run time, nor the
  # programs of data-only packages (update-ca-certificates needs a shell).
  case "$data_only" in *" $p "*) data=1 ;; *) data=0 ;; esac
  dpkg-query -L "$p" | while IFS= read -r f; do
    if [ "$data" = 1 ]; then
      case "$f" in /etc/* | /usr/share/*) ;; *) continue ;; esac
    fi
    [ -d "$f" ] && [ ! -L "$f" ] && continue
    case "$f" in
      /usr/share/doc/* | /usr/share/man/* | /usr/share/locale/* | /usr/share/lintian/* | /usr/share/bug/*) continue ;;
    esac
    [ -e "$f" ] || [ -L "$f" ] || continue
    echo "$f"
  done >>"$list"
done
# Files that maintainer scripts generate (and so no package lists), plus sleep.
for f in /bin/sleep /etc/ssl/certs /etc/passwd /etc/group /etc/nsswitch.conf \
  /etc/host.conf /etc/os-release /usr/lib/os-release /etc/debian_version; do
  [ -e "$f" ] && echo "$f" >>"$list"
done
# Debian 12 merges /usr: keep /bin, /lib, /lib64 and /sbin as the symlinks they are.
for d in bin lib lib64 sbin; do
  if [ -L "/$d" ]; then
    cp -P "/$d" "$out/$d"
    mkdir -p "$out/$(readlink "/$d" | sed 's|^/||')"
  fi
done
sed 's|^/||' "$list" | tar -C / -cf - --files-from=- | tar -C "$out" --keep-directory-symlink -xf -
mkdir -p "$out/tmp" "$out/etc"
chmod 1777 "$out/tmp"
ldconfig -r "$out"
printf '%s\n' $kept | sort >"$out.packages"
rm -f "$list"
