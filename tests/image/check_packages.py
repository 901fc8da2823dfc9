"""Checks that the container image's package list covers the binaries.

scripts/build_image.sh installs RUNTIME_PACKAGES and keeps only their files
and their dependencies' files (deploy/docker/prune-rootfs.sh). This check
runs `ldd` on the host-built binaries, maps every library to the Debian
package that ships it (`dpkg -S`), and requires that package to be in the
dependency closure of RUNTIME_PACKAGES, computed from the host's dpkg
database exactly as prune-rootfs.sh computes it inside the image. Offline
and fast: no network, no root, no image build.

  check_packages.py SCRIPT BINARY...
  check_packages.py --drop PKG SCRIPT BINARY...   # must report PKG's libraries

With --drop, PKG is removed from the list first and the check passes only if
it then reports at least one library of PKG as uncovered: this proves the
check can fail.
"""
import os
import re
import subprocess
import sys


def runtime_packages(script):
    with open(script) as f:
        text = f.read()
    m = re.search(r"^RUNTIME_PACKAGES=\(\n(.*?)^\)", text, re.M | re.S)
    if not m:
        sys.exit("FAIL image: no RUNTIME_PACKAGES=( ... ) block in %s" % script)
    return [l.strip() for l in m.group(1).splitlines()
            if l.strip() and not l.strip().startswith("#")]


def installed_dependencies():
    """{package: [dependency groups, each a list of alternatives]}."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}\t${Status}\t${Pre-Depends}, ${Depends}\n"],
        check=True, capture_output=True, text=True).stdout
    deps = {}
    for line in out.splitlines():
        name, status, rel = line.split("\t")
        if not status.endswith(" installed"):
            continue
        groups = []
        for group in rel.split(","):
            alts = [re.sub(r"\(.*?\)|:any|\s", "", a) for a in group.split("|")]
            alts = [a for a in alts if a]
            if alts:
                groups.append(alts)
        deps[name] = groups
    return deps


# Kept for their files only; their dependencies run at install time
# (prune-rootfs.sh's data_only).
DATA_ONLY = {"ca-certificates"}


def closure(packages, deps):
    """Same rule as prune-rootfs.sh: the first installed alternative."""
    kept, todo = set(), list(packages)
    while todo:
        p = todo.pop()
        if p in kept:
            continue
        if p not in deps and p in DATA_ONLY:
            kept.add(p)  # no libraries, no dependencies followed
            continue
        if p not in deps:
            sys.exit("FAIL image: %s is not installed on this host, so its "
                     "dependencies cannot be resolved offline" % p)
        kept.add(p)
        if p in DATA_ONLY:
            continue
        for alts in deps[p]:
            pick = next((a for a in alts if a in deps), None)
            if pick is None:
                sys.exit("FAIL image: %s needs %s, none installed" % (p, "|".join(alts)))
            todo.append(pick)
    return kept


def libraries(binary):
    """Absolute paths ldd resolves for BINARY (the loader included)."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True,
                         text=True).stdout
    paths, missing = [], []
    for line in out.splitlines():
        line = line.strip()
        if "not found" in line:
            missing.append(line.split()[0])
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            paths.append(m.group(1))
    return paths, missing


def owners(paths):
    """{path: package} via dpkg -S, trying the /usr-merged spellings too."""
    def spellings(p):
        real = os.path.realpath(p)
        out = [p, real]
        for q in (p, real):
            if q.startswith("/usr/"):
                out.append(q[len("/usr"):])
            else:
                out.append("/usr" + q)
        return list(dict.fromkeys(out))

    candidates = sorted({s for p in paths for s in spellings(p)})
    res = subprocess.run(["dpkg", "-S"] + candidates, capture_output=True, text=True)
    found = {}
    for line in res.stdout.splitlines():
        if line.startswith("diversion "):
            continue
        pkgs, _, path = line.partition(": ")
        found[path.strip()] = pkgs.split(",")[0].strip().split(":")[0]
    return {p: next((found[s] for s in spellings(p) if s in found), None) for p in paths}


def main(argv):
    drop = None
    if argv[:1] == ["--drop"]:
        drop, argv = argv[1], argv[2:]
    script, binaries = argv[0], argv[1:]
    packages = runtime_packages(script)
    if drop:
        if drop not in packages:
            sys.exit("FAIL image: --drop %s: not in RUNTIME_PACKAGES" % drop)
        packages = [p for p in packages if p != drop]
    deps = installed_dependencies()
    kept = closure(packages, deps)

    failed, passed, uncovered = 0, 0, set()
    loaded = {}
    for binary in binaries:
        paths, missing = libraries(binary)
        loaded[os.path.basename(binary)] = paths
        if missing:
            failed += 1
            print("FAIL image: %s: ldd finds no %s" % (os.path.basename(binary), ", ".join(missing)))
    # One dpkg -S for every binary: it reads the whole dpkg database each time.
    owner = owners(sorted({p for paths in loaded.values() for p in paths}))
    for name, paths in loaded.items():
        for path in sorted(paths):
            pkg = owner[path]
            if pkg is None:
                failed += 1
                print("FAIL image: %s loads %s, which no Debian package ships" % (name, path))
            elif pkg not in kept:
                failed += 1
                uncovered.add(pkg)
                print("FAIL image: %s loads %s from %s, not in RUNTIME_PACKAGES or their dependencies"
                      % (name, path, pkg))
            else:
                passed += 1
        print("checked %s: %d libraries" % (name, len(paths)))

    if drop:
        # Only the dropped package's own libraries may be reported.
        ok = failed > 0 and uncovered and uncovered <= closure([drop], deps) - kept
        print("%s image: without %s the check reports %s" %
              ("PASS" if ok else "FAIL", drop, ", ".join(sorted(uncovered)) or "nothing"))
        print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
        return 0 if ok else 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
