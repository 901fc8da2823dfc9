"""Runs the README's CLI section as written: every ```console block of the
"## CLI" section, top to bottom in one shell, against real services and
Redis (harness.Cluster). Each `$ ` line is a command (a trailing backslash
continues it); the lines under it are its output as the README shows it.
Every command must succeed, and every shown output line must appear in the
command's real output, in order. In a shown line, "…" stands for any text
(plan ids, request ids); a line that is only "…" stands for lines left out.

New commands may be added to the section freely: the test runs whatever is
there."""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CLI = os.path.join(harness.BUILD, "tools", "backplan", "backplan")
README = os.path.join(harness.ROOT, "README.md")
CLI_PATH = "build/tools/backplan/backplan"
ELLIPSIS = "\u2026"


def cli_section(text):
    match = re.search(r"^## CLI\n(.*?)(?=^## )", text, re.S | re.M)
    if match is None:
        raise AssertionError("README.md has no '## CLI' section")
    return match.group(1)


def parse_steps(section):
    """[(command, [shown output lines])] from the section's console blocks."""
    steps = []
    for block in re.findall(r"^```console\n(.*?)^```", section, re.S | re.M):
        command = None
        for line in block.splitlines():
            if command is not None and command.endswith("\\"):
                command = command[:-1] + "\n" + line
                steps[-1] = (command, steps[-1][1])
                continue
            if line.startswith("$ "):
                command = line[2:]
                steps.append((command, []))
            elif steps:
                steps[-1][1].append(line)
    return steps


def line_pattern(shown):
    # Spaces next to "…" belong to it: "KIND  …  TITLE" matches "KIND  TITLE".
    parts = shown.rstrip().split(ELLIPSIS)
    parts = [re.escape(p.rstrip() if i < len(parts) - 1 else p)
             for i, p in enumerate(parts)]
    parts = [parts[0]] + [p.lstrip() for p in parts[1:]]
    return re.compile(".*".join(parts) + r"\s*$")


class ReadmeTest(harness.ClusterTestCase):
    def test_cli_section_runs_as_written(self):
        with open(README) as f:
            steps = parse_steps(cli_section(f.read()))
        self.assertGreaterEqual(len(steps), 10, "too few commands found")
        s = self.cluster.services
        flags = " ".join([
            "--decomposition=" + s["decomposition"].address,
            "--prioritization=" + s["prioritization"].address,
            "--scheduling=" + s["scheduling"].address, "--timeout_s=30"])
        script = ["exec 2>&1", "bp() { '%s' %s \"$@\"; }" % (CLI, flags)]
        for i, (command, _) in enumerate(steps):
            script.append("echo '@@@ start %d'" % i)
            script.append(command.replace(CLI_PATH, "bp"))
            script.append("rc=$?; echo; echo \"@@@ end %d $rc\"" % i)
        proc = subprocess.run(["bash", "-c", "\n".join(script)], cwd=harness.ROOT,
                              capture_output=True, text=True, timeout=300)
        outputs = re.findall(r"^@@@ start (\d+)\n(.*?)^@@@ end \1 (\d+)$",
                             proc.stdout, re.S | re.M)
        self.assertEqual(len(outputs), len(steps), proc.stdout[-3000:])
        for (command, shown), (_, output, code) in zip(steps, outputs):
            with self.subTest(command=command):
                self.assertEqual(code, "0", "$ %s\n%s" % (command, output))
                lines = output.splitlines()
                at = 0
                for expected in shown:
                    if not expected.strip() or expected.strip() == ELLIPSIS:
                        continue
                    pattern = line_pattern(expected)
                    while at < len(lines) and not pattern.match(lines[at]):
                        at += 1
                    self.assertLess(
                        at, len(lines),
                        "$ %s\nthe README shows\n  %s\nwhich is not in the "
                        "output (in order):\n%s" % (command, expected, output))
                    at += 1


if __name__ == "__main__":
    unittest.main()
