#!/usr/bin/python3
"""Runs clang-tidy over files of a compile_commands.json, `--jobs` at once,
skipping files whose last check passed on exactly the same input.

    tidy_run.py TIDY BUILD_DIR JOBS CACHE_DIR FILE...

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
"""
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


def preprocess_args(args, clang):
    """The compile command turned into `clang -E` to stdout."""
    out = [clang]
    skip = 0
    for a in args[1:]:
        if skip:
            skip -= 1
            continue
        if a in ("-o", "-MT", "-MF", "-MQ"):
            skip = 1
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        out.append(a)
    return out + ["-E", "-C", "-o", "-", "-Wno-unknown-warning-option"]


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


def main():
    tidy, build, jobs, cache = sys.argv[1:5]
    files = sys.argv[5:]
    commands = compile_commands(build)
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
            return check(rel)
        finally:
            with cond:
                running[0] -= 1
                cond.notify_all()

    failed = cached = 0
    with concurrent.futures.ThreadPoolExecutor(most) as pool:
        for rel, code, output, hit in pool.map(throttled, files):
            cached += hit
            # "N warnings generated." counts suppressed system-header ones.
            lines = [l for l in output.splitlines()
                     if not re.match(r"^[0-9]+ warnings? generated\.$", l)]
            if lines:
                print("\n".join(lines), flush=True)
            if code != 0:
                failed += 1
                print("tidy: findings in %s" % rel, flush=True)
    print("tidy: %d files (%d unchanged since a clean check), %d with findings"
          % (len(files), cached, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
