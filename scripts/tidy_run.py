#!/usr/bin/python3
"""Runs clang-tidy over files of a compile_commands.json, `--jobs` at once,
skipping files whose last check passed on exactly the same input.

    tidy_run.py [--unity] TIDY BUILD_DIR JOBS CACHE_DIR FILE...

JOBS is a number, or the path of a file holding one that may change while
it runs (scripts/test.sh starts at 1 and raises it to 2 once its
foreground steps are done); it is read before each file starts.

A file's key is the SHA-256 of the clang-tidy version, .clang-tidy, the
file's compile command and its translation unit as clang preprocesses it
with comments kept (every header it includes, with their paths; comments,
so adding or removing a NOLINT runs it again), so any change to the file, a
header, a flag or the checks runs it again. The checkout's own path (the
current directory) is replaced by a placeholder in all of these, so two
checkouts of the same tree have the same keys and may share CACHE_DIR, as
they share a ccache. Only clean results are remembered (an empty file named
by the key in CACHE_DIR); findings are printed every time. An empty
CACHE_DIR turns the cache off. Prints the findings and a summary line;
exits 1 if a file has findings. Called by scripts/tidy.sh, which documents
the options.

--unity checks files in groups, each group as one translation unit that
includes its files (the files of one directory, tests apart from the rest,
at most UNITY_MAX_FILES a group): most of clang-tidy's time goes to matching
its checks over the Abseil, gRPC, protobuf and gtest declarations a file
includes, and a group pays for them once. The header filter then also
covers the included .cc files, so every finding in them is reported as it
would be alone. A group that does not compile as one unit (two files
define the same name in an unnamed namespace, or `main`: clang-tidy
reports a compiler error) is split in halves until the parts compile, down
to single files checked as usual; so the result is the same as checking
file by file, only cheaper when the groups compile.
"""
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading


def compile_commands(build):
    """Maps each source's real path to its compile command (a list)."""
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    commands = {}
    for e in entries:
        path = os.path.realpath(os.path.join(e["directory"], e["file"]))
        args = e.get("arguments") or shlex.split(e["command"])
        commands[path] = (e["directory"], args)
    return commands


def without_outputs(args):
    """A compile command without its -c, -o and dependency-file options."""
    out, skip = [], 0
    for a in args:
        if skip:
            skip -= 1
            continue
        if a in ("-o", "-MT", "-MF", "-MQ"):
            skip = 1
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        out.append(a)
    return out


def preprocess_args(args, clang):
    """The compile command turned into `clang -E` to stdout."""
    return ([clang] + without_outputs(args[1:]) +
            ["-E", "-C", "-o", "-", "-Wno-unknown-warning-option"])


def key_of(path, directory, args, base, clang, root):
    """The cache key of `path`; `root` (a compiled bytes pattern matching the
    checkout's path) is left out of everything hashed."""
    proc = subprocess.run(preprocess_args(args, clang), cwd=directory,
                          capture_output=True)
    if proc.returncode != 0:
        return None  # Let clang-tidy report what is wrong.
    h = hashlib.sha256(base)
    for part in (path.encode(), "\0".join([directory] + args).encode(),
                 proc.stdout):
        h.update(root.sub(b"<root>", part))
        h.update(b"\0")
    return h.hexdigest()


UNITY_MAX_FILES = 12
# .clang-tidy's HeaderFilterRegex with the included sources added.
UNITY_HEADER_FILTER = r"^/.*/(libs|services|tools|tests)/.*\.(h|cc)$"
# Flags that differ between targets and must all reach a group's unit.
MERGED_FLAGS = ("-I", "-isystem", "-iquote", "-D")


def defines_main(rel):
    try:
        with open(rel, errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    return re.search(r"^(int main\(|BENCHMARK_MAIN\(\))", text,
                     re.MULTILINE) is not None


def unity_groups(files):
    """Files grouped by directory, tests apart, in order, at most
    UNITY_MAX_FILES a group; a file that defines `main` alone."""
    by_dir = collections.OrderedDict()
    groups = []
    for rel in files:
        if defines_main(rel):
            groups.append([rel])  # Two mains never share a unit.
            continue
        by_dir.setdefault((os.path.dirname(rel), rel.endswith("_test.cc")),
                          []).append(rel)
    for members in by_dir.values():
        for i in range(0, len(members), UNITY_MAX_FILES):
            groups.append(members[i:i + UNITY_MAX_FILES])
    return groups


def flag_pairs(args):
    """The include and define flags of a compile command, each as one
    tuple (a flag and its separate value, if any)."""
    pairs, i = [], 1
    while i < len(args):
        a = args[i]
        for flag in MERGED_FLAGS:
            if a == flag and i + 1 < len(args):
                pairs.append((a, args[i + 1]))
                i += 1
                break
            if a.startswith(flag) and a != flag:
                pairs.append((a,))
                break
        i += 1
    return pairs


def unity_command(unit, members, commands):
    """The compile command of `unit`, a file including `members`: the first
    member's command for `unit`, with every other member's include and
    define flags added."""
    directory, first = commands[os.path.realpath(members[0])]
    source = os.path.realpath(members[0])
    args = [a for a in without_outputs(first)
            if os.path.realpath(os.path.join(directory, a)) != source]
    seen = set(flag_pairs(first))
    for rel in members[1:]:
        for pair in flag_pairs(commands[os.path.realpath(rel)][1]):
            if pair not in seen:
                seen.add(pair)
                args.extend(pair)
    return directory, args + ["-c", unit]


def main():
    argv = sys.argv[1:]
    unity = argv[:1] == ["--unity"]
    if unity:
        argv = argv[1:]
    tidy, build, jobs, cache = argv[:4]
    files = argv[4:]
    commands = compile_commands(build)
    unity_dir = os.path.realpath(os.path.join(build, "tidy-unity"))
    unity_db = {}  # A unit's path -> its compile_commands.json entry.
    unity_lock = threading.Lock()
    clang = (shutil.which("clang++-14") or shutil.which("clang++")
             or "clang++")
    version = subprocess.run([tidy, "--version"], capture_output=True).stdout
    with open(".clang-tidy", "rb") as f:
        base = version + f.read()
    if cache:
        os.makedirs(cache, exist_ok=True)
    # The checkout's path where a path continues or ends (-I/x/repo too).
    root = re.compile(re.escape(os.path.realpath(os.getcwd()).encode())
                      + rb'(?=[/\s"\0]|$)', re.MULTILINE)

    def check(rel):
        path = os.path.realpath(rel)
        key = None
        if cache and path in commands:
            directory, args = commands[path]
            key = key_of(path, directory, args, base, clang, root)
            if key and os.path.exists(os.path.join(cache, key)):
                return rel, 0, "", True
        proc = subprocess.run([tidy, "-p", build, "--quiet", rel],
                              capture_output=True, text=True)
        if proc.returncode == 0 and key:
            open(os.path.join(cache, key), "w").close()
        return rel, proc.returncode, proc.stdout + proc.stderr, False

    def write_unit(members):
        """Writes the unit including `members` and its database entry."""
        name = hashlib.sha256("\0".join(members).encode()).hexdigest()[:16]
        unit = os.path.join(unity_dir, "%s-%s.cc" % (
            members[0].replace("/", "_")[:-3], name))
        with open(unit, "w") as f:
            f.write("// scripts/tidy_run.py --unity: %d files as one unit.\n"
                    % len(members))
            for rel in members:
                f.write('#include "%s"  // NOLINT(bugprone-suspicious-include)'
                        "\n" % os.path.realpath(rel))
        directory, args = unity_command(unit, members, commands)
        with unity_lock:
            unity_db[unit] = {"directory": directory, "file": unit,
                              "arguments": args}
            with open(os.path.join(unity_dir, "compile_commands.json.tmp"),
                      "w") as f:
                json.dump(list(unity_db.values()), f)
            os.replace(os.path.join(unity_dir, "compile_commands.json.tmp"),
                       os.path.join(unity_dir, "compile_commands.json"))
        return unit, directory, args

    def check_group(members):
        """Checks `members` as one unit, or in parts if they do not compile
        as one; returns (label, code, output, cached)."""
        known = [rel for rel in members if os.path.realpath(rel) in commands]
        if len(members) == 1 or len(known) != len(members):
            results = [check(rel) for rel in members]
            return (" ".join(members), max(r[1] for r in results),
                    "".join(r[2] for r in results), all(r[3] for r in results))
        unit, directory, args = write_unit(members)
        key = key_of(unit, directory, args, base, clang, root) if cache else None
        if key and os.path.exists(os.path.join(cache, key)):
            return " ".join(members), 0, "", True
        proc = subprocess.run(
            [tidy, "-p", unity_dir, "--quiet", "--config-file=.clang-tidy",
             "--header-filter=" + UNITY_HEADER_FILTER, unit],
            capture_output=True, text=True)
        if "[clang-diagnostic-error]" in proc.stdout:
            first = next(l for l in proc.stdout.splitlines()
                         if "[clang-diagnostic-error]" in l)
            note = ("tidy: %d files do not compile as one unit (%s); checking "
                    "them in two parts\n" % (len(members), first.strip()))
            half = (len(members) + 1) // 2
            parts = [check_group(members[:half]), check_group(members[half:])]
            return (" ".join(members), max(p[1] for p in parts),
                    note + "".join(p[2] for p in parts),
                    all(p[3] for p in parts))
        if proc.returncode == 0 and key:
            open(os.path.join(cache, key), "w").close()
        return " ".join(members), proc.returncode, proc.stdout + proc.stderr, False

    def allowed():
        if jobs.isdigit():
            return int(jobs)
        try:
            with open(jobs) as f:
                return max(1, int(f.read().strip() or 1))
        except (OSError, ValueError):
            return 1

    most = int(jobs) if jobs.isdigit() else 2
    running = [0]
    cond = threading.Condition()

    def throttled(rel):
        with cond:
            while running[0] >= allowed():
                cond.wait(timeout=1.0)
            running[0] += 1
        try:
            return check_group(rel) if unity else check(rel)
        finally:
            with cond:
                running[0] -= 1
                cond.notify_all()

    failed = cached = 0
    work = files
    if unity:
        os.makedirs(unity_dir, exist_ok=True)
        # Largest groups first, so the last to finish are small.
        work = sorted(unity_groups(files), key=len, reverse=True)
    with concurrent.futures.ThreadPoolExecutor(most) as pool:
        for rel, code, output, hit in pool.map(throttled, work):
            cached += hit
            # "N warnings generated." counts suppressed system-header ones.
            lines = [l for l in output.splitlines()
                     if not re.match(r"^[0-9]+ warnings? generated\.$", l)]
            if lines:
                print("\n".join(lines), flush=True)
            if code != 0:
                failed += 1
                print("tidy: findings in %s" % rel, flush=True)
    print("tidy: %d files in %d %s (%d unchanged since a clean check), "
          "%d with findings" % (len(files), len(work),
                                "groups" if unity else "checks", cached,
                                failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
