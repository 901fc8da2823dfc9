"""End to end through the `backplan` command-line tool: the built binary
(BACKPLAN_BUILD_DIR/tools/backplan/backplan) run as a subprocess against real
services and Redis started by harness.Cluster."""
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CLI = os.path.join(harness.BUILD, "tools", "backplan", "backplan")
EXAMPLES = os.path.join(harness.ROOT, "examples")
RECIPES = os.path.join(EXAMPLES, "recipes")
KINDLE = os.path.join(EXAMPLES, "kindle.yaml")
DATE = r"\d{4}-\d{2}-\d{2} (Mon|Tue|Wed|Thu|Fri|Sat|Sun)"


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = harness.Cluster()
        s = cls.cluster.services
        cls.flags = ["--decomposition=" + s["decomposition"].address,
                     "--prioritization=" + s["prioritization"].address,
                     "--scheduling=" + s["scheduling"].address,
                     "--timeout_s=20"]
        cls.tmp = tempfile.mkdtemp(prefix="backplan-cli-")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def cli(self, *args, code=0):
        """Runs the CLI; asserts the exit code; returns (stdout, stderr)."""
        proc = subprocess.run([CLI] + self.flags + list(args), cwd=harness.ROOT,
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, code,
                         "backplan %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), proc.stdout, proc.stderr))
        return proc.stdout, proc.stderr

    def cli_json(self, *args):
        out, _ = self.cli("--json", *args)
        return json.loads(out)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def decompose(self, book, outcome, *extra):
        return self.cli_json("decompose", "--recipes", os.path.join(RECIPES, book),
                             "--target", "2027-06-30", "--start", "2027-01-04",
                             *extra, outcome)

    def stored_launch_plan(self):
        response = self.decompose("launch.yaml", "launch the reader", "--store")
        self.assertEqual(response["version"], "1")
        return response["plan_id"], response["plan"]

    # --- plan, prioritize, export ------------------------------------------

    def test_plan_kindle_gives_every_task_a_deadline(self):
        out, _ = self.cli("plan", KINDLE, "--wide")  # Every column, one header line.
        header = out.splitlines()[0]
        self.assertIn("target 2027-06-30 Wed", header)
        self.assertIn("final milestone 2027-06-30 Wed", header)
        rows = {}
        for line in out.splitlines():
            fields = line.split()
            if len(fields) > 2 and fields[1].startswith(("t-", "g-")):
                rows[fields[1]] = line
        with open(KINDLE) as f:
            task_ids = re.findall(r"^  - id: (t-[\w-]+)$", f.read(), re.M)
        self.assertEqual(len(task_ids), 21)
        for task_id in task_ids:
            self.assertIn(task_id, rows)
            self.assertEqual(len(re.findall(DATE, rows[task_id])), 2, rows[task_id])
        # The outcome milestone: latest start and deadline on the target.
        self.assertEqual(re.findall(r"\d{4}-\d{2}-\d{2} \w{3}", rows["g-outcome"]),
                         ["2027-06-30 Wed", "2027-06-30 Wed"])

    def test_prioritize_rice_on_kindle(self):
        out, _ = self.cli("prioritize", KINDLE, "--method", "rice")
        self.assertIn("method RICE", out)
        for task_id in ("t-press", "t-one-click", "t-firmware", "t-manufacturing"):
            self.assertIn(task_id, out)
        response = self.cli_json("prioritize", KINDLE, "--method", "rice")
        tasks = {t["task_id"]: t for t in response["priorities"]["tasks"]}
        self.assertEqual(len(tasks), 21)
        # reach x impact x confidence / effort = 500000 x 1 x 0.8 / 3.
        self.assertAlmostEqual(tasks["t-press"]["score"], 500000 * 0.8 / 3, places=3)
        self.assertTrue(all(t["score"] > 0 for t in tasks.values()))

    def test_stored_plan_prioritize_and_export_formats(self):
        out, _ = self.cli("plan", KINDLE)
        plan_id = re.match(r"plan (\S+) v1", out).group(1)
        out, _ = self.cli("prioritize", plan_id, "--method", "rice")
        self.assertIn("plan %s v1" % plan_id, out)
        ics, _ = self.cli("export", plan_id, "--format", "ics")
        self.assertIn("BEGIN:VCALENDAR", ics)
        self.assertEqual(ics.count("BEGIN:VTODO"), 21)  # One per task.
        mermaid, _ = self.cli("export", plan_id, "--format", "mermaid")
        self.assertIn("gantt", mermaid)
        csv, _ = self.cli("export", plan_id, "--format", "csv")
        self.assertGreaterEqual(len(csv.strip().splitlines()), 22)
        self.assertIn("t-firmware", csv)

    # --- decompose with the example books ----------------------------------

    def task_titles(self, response):
        return {t["title"] for t in response["plan"].get("tasks", [])}

    def test_decompose_launch_book(self):
        response = self.decompose("launch.yaml", "launch the reader")
        self.assertEqual(response.get("open_goal_ids", []), [])
        titles = self.task_titles(response)
        for title in ("sign the wireless carrier agreement (free delivery, no plan)",
                      "sign e-book distribution deals with the top publishers",
                      "partner manufactures the launch units of the reader",
                      "build a payment wallet with card vaulting",
                      "define the e-book format and DRM"):
            self.assertIn(title, titles)
        # The format is a sub-goal of three recipes but is planned once.
        self.assertEqual(sum(1 for t in titles if "e-book format" in t), 1)
        # Facts switch the alternatives.
        response = self.decompose(
            "launch.yaml", "launch the reader", "--fact", "we have a hardware team",
            "--fact", "customers already have payment details on file")
        titles = self.task_titles(response)
        self.assertIn("manufacture the launch units of the reader", titles)
        self.assertIn("one-click purchase with the stored payment method", titles)
        self.assertNotIn("build a payment wallet with card vaulting", titles)

        out, _ = self.cli("decompose", "--recipes", os.path.join(RECIPES, "launch.yaml"),
                          "--target", "2027-06-30", "launch", "the", "reader")
        self.assertIn("outcome: launch the reader", out)
        self.assertIn("open goals (0): none", out)
        self.assertIn("[BROKEN_DOWN, recipe launch-device]", out)
        self.assertIn("    task define the e-book format and DRM  (15 days)", out)
        self.assertIn("build-in-house: not applicable (condition false", out)
        self.assertRegex(out, r"catalogue-public-domain: 0 open goals, 130 days "
                              r"\(applicable, costlier\)")

    def test_decompose_datacenter_book(self):
        outcome = "move the payments service to the frankfurt datacenter"
        response = self.decompose("datacenter.yaml", outcome)
        self.assertEqual(len(response["open_goal_ids"]), 1)
        goals = {g["id"]: g for g in response["plan"]["goals"]}
        self.assertEqual(goals[response["open_goal_ids"][0]]["title"],
                         "data protection has approved the payments service data "
                         "in frankfurt")
        titles = self.task_titles(response)
        for title in ("shift the payments service traffic to frankfurt in steps of 10%",
                      "order redundant cross-connects to frankfurt",
                      "set up a database replica of the payments service in frankfurt",
                      "load-test the payments service in frankfurt at peak traffic"):
            self.assertIn(title, titles)
        response = self.decompose("datacenter.yaml", outcome,
                                  "--fact", "we already operate in Frankfurt")
        self.assertIn("reserve compute and storage capacity in frankfurt",
                      self.task_titles(response))
        out, _ = self.cli("decompose", "--recipes",
                          os.path.join(RECIPES, "datacenter.yaml"),
                          "--target", "2027-06-30", outcome)
        self.assertIn("open goals (1):", out)
        self.assertIn("[OPEN]", out)

    def test_decompose_office_book(self):
        response = self.decompose("office.yaml", "open the berlin office")
        self.assertEqual(response.get("open_goal_ids", []), [])
        titles = self.task_titles(response)
        for title in ("negotiate and sign the berlin lease",
                      "build out the berlin office",
                      "hire the berlin site lead",
                      "order the berlin internet line"):
            self.assertIn(title, titles)
        response = self.decompose("office.yaml", "open the berlin office",
                                  "--fact", "the berlin team is under 20 people",
                                  "--strategy", "cheapest")
        titles = self.task_titles(response)
        self.assertIn("sign a coworking membership in berlin", titles)
        self.assertNotIn("build out the berlin office", titles)

    def test_decompose_usage_errors(self):
        _, err = self.cli("decompose", "--recipes", os.path.join(RECIPES, "office.yaml"),
                          "open the berlin office", code=2)
        self.assertIn("--target", err)
        _, err = self.cli("decompose", "--target", "2027-02-30", "--book", "x", "y", code=2)
        self.assertIn("2027-02-30", err)
        bad = self.write("bad.yaml", "name: x\nrecipes:\n  - name: a\n    goal: b\n    oops: 1\n")
        _, err = self.cli("decompose", "--recipes", bad, "--target", "2027-06-30", "b",
                          code=1)
        self.assertIn("INVALID_ARGUMENT", err)
        self.assertIn("request:5", err)

    # --- books -------------------------------------------------------------

    def test_books_put_get_list_delete(self):
        launch = os.path.join(RECIPES, "launch.yaml")
        out, _ = self.cli("books", "put", "cli-launch", launch)
        self.assertEqual(out, "book cli-launch version 1\n")
        _, err = self.cli("books", "put", "cli-launch", launch, code=1)
        self.assertIn("ABORTED", err)
        out, _ = self.cli("books", "put", "cli-launch", launch, "--expected_version", "1")
        self.assertEqual(out, "book cli-launch version 2\n")
        out, _ = self.cli("books", "get", "cli-launch")
        self.assertIn("book cli-launch  version 2  (17 recipes)", out)
        self.assertIn("recipe build-in-house\n  goal: {product} is built\n"
                      "  when: we have a hardware team\n", out)
        self.assertEqual(self.cli_json("books", "get", "cli-launch")["version"], "2")
        out, _ = self.cli("books", "list")
        self.assertIn("cli-launch\n", out)
        out, _ = self.cli("decompose", "--book", "cli-launch", "--target", "2027-06-30",
                          "--store", "launch the reader")
        self.assertRegex(out, r"stored as plan \S+ version 1")
        out, _ = self.cli("books", "delete", "cli-launch")
        self.assertEqual(out, "deleted book cli-launch\n")
        _, err = self.cli("books", "get", "cli-launch", code=1)
        self.assertIn("NOT_FOUND", err)
        out, _ = self.cli("books", "list")
        self.assertNotIn("cli-launch\n", out)

    # --- edits and watch ---------------------------------------------------

    def test_every_edit_operation(self):
        plan_id, plan = self.stored_launch_plan()
        root = plan["outcome_goal_id"]

        def edit(version, *args, code=0):
            return self.cli("edit", plan_id, "--base_version", str(version), *args,
                            code=code)

        out, _ = edit(1, "add-task", "--id", "t-ads", "--title", "buy launch ads",
                      "--days", "5", "--goal", root, "--importance", "7")
        self.assertEqual(out, "plan %s version 2\n" % plan_id)
        edit(2, "update-task", "--id", "t-ads", "--title", "buy launch ads: radio, web",
             "--days", "8")
        got = self.cli_json("get", plan_id)
        task = [t for t in got["tasks"] if t["id"] == "t-ads"][0]
        self.assertEqual((task["title"], task["duration_days"]),
                         ("buy launch ads: radio, web", 8))
        self.assertEqual(task["attributes"]["importance"], 7)
        edit(3, "add-goal", "--id", "g-retail", "--title", "shops stock the reader",
             "--parent", root, "--open")
        out, _ = edit(4, "expand", "g-retail", "--task", "t-deals:sign retail deals: US:20",
                      "--task", "t-displays:ship store displays:5",
                      "--goal", "g-training:store staff can demo the reader")
        self.assertEqual(out, "plan %s version 5\n" % plan_id)
        edit(5, "add-dep", "t-deals", "t-displays", "--lag", "2")
        got = self.cli_json("get", plan_id)
        goals = {g["id"]: g for g in got["goals"]}
        self.assertEqual(goals["g-retail"].get("state", "BROKEN_DOWN"), "BROKEN_DOWN")
        self.assertEqual(goals["g-training"]["state"], "OPEN")
        self.assertIn({"predecessor_id": "t-deals", "successor_id": "t-displays",
                       "lag_days": 2}, got["dependencies"])
        titles = {t["id"]: t["title"] for t in got["tasks"]}
        self.assertEqual(titles["t-deals"], "sign retail deals: US")
        edit(6, "remove-dep", "t-deals", "t-displays")
        out, _ = edit(7, "remove", "t-ads")
        self.assertEqual(out, "plan %s version 8\n" % plan_id)
        got = self.cli_json("get", plan_id)
        self.assertNotIn("t-ads", {t["id"] for t in got["tasks"]})
        self.assertNotIn({"predecessor_id": "t-deals", "successor_id": "t-displays",
                          "lag_days": 2}, got.get("dependencies", []))

        # Stale: based on version 1 while the plan is at 8.
        _, err = edit(1, "remove", "t-deals", code=1)
        self.assertIn("ABORTED", err)
        self.assertIn("is at version 8, not 1", err)
        # Cycle: the root goal's milestone already follows t-deals.
        _, err = edit(8, "add-dep", root, "t-deals", code=1)
        self.assertIn("INVALID_ARGUMENT", err)
        self.assertIn("cycle", err)
        self.assertEqual(self.cli_json("get", plan_id)["version"], "8")
        # Usage errors exit 2 without a call.
        _, err = self.cli("edit", plan_id, "remove", "t-deals", code=2)
        self.assertIn("--base_version", err)
        _, err = edit(8, "expand", "g-training", "--task", "no-days", code=2)
        self.assertIn("id:title:days", err)
        _, err = edit(8, "update-task", "--id", "t-none", code=1)
        self.assertIn("no task \"t-none\"", err)

    def test_watch_streams_edits(self):
        plan_id, _ = self.stored_launch_plan()
        proc = subprocess.Popen([CLI] + self.flags + ["watch", plan_id],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout],
                         daemon=True).start()

        def next_line(timeout=20):
            try:
                return lines.get(timeout=timeout)
            except queue.Empty:
                self.fail("no line from watch within %d s" % timeout)

        try:
            first = next_line()
            self.assertRegex(first, r"^\d{4}-\d{2}-\d{2}T[\d:.]+Z  plan.created  v1  "
                                    r"request \S+  event \S+$")
            self.cli("edit", plan_id, "--base_version", "1", "add-task", "--id", "t-w",
                     "--title", "watched", "--days", "1")
            line = next_line()
            while "plan.edited" not in line:
                line = next_line()
            self.assertIn("  v2  ", line)
        finally:
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
            proc.stderr.close()

    def test_watch_unknown_plan_fails(self):
        _, err = self.cli("watch", "no-such-plan", code=1)
        self.assertIn("NOT_FOUND", err)

    # --- ahp ---------------------------------------------------------------

    def test_ahp_saaty_drinks(self):
        out, _ = self.cli("ahp", os.path.join(EXAMPLES, "ahp-drinks.yaml"))
        weights = dict(re.findall(r"^(\w+)\s+(0\.\d{3})$", out, re.M))
        self.assertEqual(weights, {"coffee": "0.177", "wine": "0.019", "tea": "0.042",
                                   "beer": "0.116", "sodas": "0.190", "milk": "0.129",
                                   "water": "0.327"})
        ratio = float(re.search(r"consistency ratio (\d\.\d+)", out).group(1))
        self.assertLess(ratio, 0.1)
        self.assertRegex(out, r"λmax 7\.\d{3}")

    def test_ahp_inconsistent_matrix_is_refused(self):
        path = self.write("bad-ahp.json", json.dumps(
            {"criteria": ["a", "b", "c"],
             "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]}))
        _, err = self.cli("ahp", path, code=1)
        self.assertIn("INVALID_ARGUMENT", err)
        self.assertIn("onsistency", err)
        # A file of the wrong form is a usage error naming the line.
        path = self.write("shape.yaml", "criteria: [a, b]\nmatrix:\n  - [1, 2]\n")
        _, err = self.cli("ahp", path, code=2)
        self.assertIn("shape.yaml:3", err)

    def test_help_lists_the_new_commands(self):
        out, _ = self.cli("help")
        for word in ("decompose OUTCOME", "books put NAME FILE", "edit PLAN_ID",
                     "add-dep PRED SUCC", "watch PLAN_ID", "ahp FILE"):
            self.assertIn(word, out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
