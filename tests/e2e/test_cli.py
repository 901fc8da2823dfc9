"""End to end through the `backplan` command-line tool: the built binary
(BACKPLAN_BUILD_DIR/tools/backplan/backplan) run as a subprocess against real
services and Redis started by harness.ClusterTestCase."""
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from backplan.v1 import decomposition_pb2, plan_pb2, scheduling_pb2  # noqa: E402

EXAMPLES = os.path.join(harness.ROOT, "examples")
RECIPES = os.path.join(EXAMPLES, "recipes")
KINDLE = os.path.join(EXAMPLES, "kindle.yaml")
DATE = r"\d{4}-\d{2}-\d{2} (Mon|Tue|Wed|Thu|Fri|Sat|Sun)"


class CliTest(harness.CliTestCase):
    tmp_prefix = "backplan-cli-"

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
        _, err = self.cli("edit", plan_id, "--base_version=-1", "remove", "t-deals",
                          code=2)
        self.assertIn("--base_version", err)
        _, err = edit(8, "expand", "g-training", "--task", "no-days", code=2)
        self.assertIn("id:title:days", err)
        _, err = edit(8, "update-task", "--id", "t-none", code=1)
        self.assertIn("no task \"t-none\"", err)

    def test_watch_streams_edits(self):
        plan_id, _ = self.stored_launch_plan()
        proc = subprocess.Popen(self.command("watch", plan_id),
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


SMALL_PLAN = """\
outcome:
  title: Ship the small reader
  target_date: 2027-06-30
  start_date: 2027-06-01
outcome_goal_id: g-ship
goals:
  - {id: g-ship, title: the reader ships, task_ids: [t-build, t-launch]}
tasks:
  - {id: t-build, title: build it, duration_days: 4}
  - {id: t-launch, title: launch it, duration_days: 2}
dependencies:
  - {predecessor_id: t-build, successor_id: t-launch}
"""


class CliLifecycleTest(harness.CliTestCase):
    """list, apply and edits without --base_version (issue 24 items 1-2),
    against one shared cluster; concurrent edits go through the gRPC stub."""

    tmp_prefix = "backplan-cli-lifecycle-"

    def create(self, plan):
        return self.decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=plan)).plan_id

    def version(self, plan_id):
        return self.decomposition.GetPlan(
            decomposition_pb2.GetPlanRequest(plan_id=plan_id)).version

    def listed(self, plan_id):
        """The `list` row of plan_id, split on two or more spaces."""
        out, _ = self.cli("list")
        for line in out.splitlines():
            if line.startswith(plan_id + " "):
                return re.split(r"\s{2,}", line.strip())
        self.fail("%s not listed:\n%s" % (plan_id, out))

    def test_list_shows_title_target_version_tasks_feasibility_and_change(self):
        scheduled = self.cli_json("plan", KINDLE)
        kindle_id = scheduled["timeline"]["plan_id"]
        feasible = scheduled["timeline"].get("feasible", False)
        kindle_tasks = len(self.cli_json("get", kindle_id)["tasks"])
        chain_id = self.create(harness.chain_plan("the chain plan"))
        today = time.strftime("%Y-%m-%d", time.gmtime())

        out, _ = self.cli("list")
        header = out.splitlines()[0]
        for column in ("PLAN ID", "TITLE", "TARGET", "VERSION", "TASKS",
                       "FEASIBILITY", "CHANGED (UTC)"):
            self.assertIn(column, header)
        row = self.listed(kindle_id)
        # Titles give way to whole ids within 120 columns: a prefix, cut
        # with "..." at no fewer than 10 characters.
        title = row[1][:-3] if row[1].endswith("...") else row[1]
        self.assertGreaterEqual(len(title), 10, row)
        self.assertTrue(
            "Customers buy any book on the device".startswith(title), row)
        self.assertEqual(row[2], "2027-06-30 Wed")
        self.assertEqual(row[3:5], ["1", str(kindle_tasks)])
        self.assertEqual(row[5], "on time" if feasible else row[5])
        if not feasible:
            self.assertRegex(row[5], r"^late \d+ days?$")
        self.assertTrue(row[6].startswith(today), row)
        row = self.listed(chain_id)
        self.assertEqual(row[1:6], ["the chain plan", "2027-06-30 Wed", "1", "3",
                                    "unscheduled"])

        # An edit makes the stored schedule stale: the listing says which
        # version it describes.
        plan = self.cli_json("get", chain_id)
        self.decomposition.EditPlan(decomposition_pb2.EditPlanRequest(
            plan_id=chain_id, base_version=1,
            edits=[decomposition_pb2.PlanEdit(
                remove=decomposition_pb2.PlanEdit.RemoveNode(id="c"))]))
        self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=chain_id))
        self.decomposition.EditPlan(decomposition_pb2.EditPlanRequest(
            plan_id=chain_id, base_version=2,
            edits=[decomposition_pb2.PlanEdit(
                set_target_date=harness.date(2027, 6, 11))]))
        row = self.listed(chain_id)
        self.assertEqual(row[2:6], ["2027-06-11 Fri", "3", "2", "on time (v2)"])
        self.assertEqual(len(plan["tasks"]), 3)
        summary = [p for p in self.cli_json("list")["plans"]
                   if p["plan_id"] == chain_id][0]
        self.assertEqual((summary["feasibility"], summary["schedule_version"]),
                         ("FEASIBLE", "2"))
        self.assertGreater(int(summary["updated_unix_micros"]), 0)

    def test_apply_same_file_twice_makes_one_plan_and_no_new_version(self):
        path = self.write("small.yaml", SMALL_PLAN)
        plan_id = self.cli_json("plan", path)["timeline"]["plan_id"]
        out, _ = self.cli("apply", path, "--plan", plan_id)
        self.assertEqual(out, "plan %s version 1 (unchanged)\n" % plan_id)

        changed = (SMALL_PLAN.replace("2027-06-30", "2027-07-30")
                   .replace("duration_days: 4", "duration_days: 6")
                   .replace("[t-build, t-launch]", "[t-build, t-launch, t-docs]")
                   + "  - {predecessor_id: t-docs, successor_id: t-launch}\n")
        changed = changed.replace(
            "  - {id: t-launch, title: launch it, duration_days: 2}\n",
            "  - {id: t-launch, title: launch it, duration_days: 2}\n"
            "  - {id: t-docs, title: write the docs, duration_days: 3}\n")
        path = self.write("small.yaml", changed)
        out, _ = self.cli("apply", path, "--plan", plan_id)
        self.assertEqual(out, "plan %s version 2\n" % plan_id)
        out, _ = self.cli("apply", path, "--plan", plan_id)
        self.assertEqual(out, "plan %s version 2 (unchanged)\n" % plan_id)
        self.assertEqual(self.version(plan_id), 2)

        got = self.cli_json("get", plan_id)
        tasks = {t["id"]: t["duration_days"] for t in got["tasks"]}
        self.assertEqual(tasks, {"t-build": 6, "t-launch": 2, "t-docs": 3})
        self.assertEqual(got["outcome"]["target_date"],
                         {"year": 2027, "month": 7, "day": 30})
        self.assertIn({"predecessor_id": "t-docs", "successor_id": "t-launch"},
                      got["dependencies"])
        # One plan, listed with what the file now says.
        row = self.listed(plan_id)
        self.assertEqual(row[1:5], ["Ship the small reader", "2027-07-30 Fri",
                                    "2", "3"])

        # Back to the first file: tasks and dependencies removed, one version.
        path = self.write("small.yaml", SMALL_PLAN)
        out, _ = self.cli("apply", path, "--plan", plan_id)
        self.assertEqual(out, "plan %s version 3\n" % plan_id)
        got = self.cli_json("get", plan_id)
        self.assertEqual(sorted(t["id"] for t in got["tasks"]),
                         ["t-build", "t-launch"])
        # Errors: no --plan (usage), a plan that does not exist.
        _, err = self.cli("apply", path, code=2)
        self.assertIn("--plan", err)
        _, err = self.cli("apply", path, "--plan", "plan-none", code=1)
        self.assertIn("NOT_FOUND", err)

    def race(self, plan_id, concurrent, *edit_args):
        """Runs `edit plan_id edit_args` without --base_version, lands
        `concurrent` (a gRPC EditPlan) between its read and its write, and
        returns (exit code, stdout, stderr)."""
        env = dict(os.environ, BACKPLAN_TEST_PAUSE_AFTER_READ="1")
        proc = subprocess.Popen(self.command("edit", plan_id, *edit_args),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        line = proc.stderr.readline()
        self.assertIn("paused after reading version", line)
        concurrent()
        out, err = proc.communicate("\n", timeout=60)
        return proc.returncode, out, err

    def test_edit_without_base_version_retries_past_an_edit_of_another_node(self):
        plan_id = self.create(harness.chain_plan())

        def rename_c():
            task = plan_pb2.Task(id="c", title="write the docs again",
                                 duration_days=1)
            self.decomposition.EditPlan(decomposition_pb2.EditPlanRequest(
                plan_id=plan_id, base_version=1,
                edits=[decomposition_pb2.PlanEdit(update_task=task)]))

        code, out, err = self.race(plan_id, rename_c, "update-task", "--id", "a",
                                   "--days", "4")
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "plan %s version 3\n" % plan_id)
        got = self.cli_json("get", plan_id)
        tasks = {t["id"]: t for t in got["tasks"]}
        self.assertEqual(tasks["a"]["duration_days"], 4)
        self.assertEqual(tasks["c"]["title"], "write the docs again")

        # Without a race it simply edits the current version.
        out, _ = self.cli("edit", plan_id, "remove", "c")
        self.assertEqual(out, "plan %s version 4\n" % plan_id)

    def test_edit_without_base_version_reports_a_conflict_on_the_same_node(self):
        plan_id = self.create(harness.chain_plan())

        def rename_a():
            task = plan_pb2.Task(id="a", title="build it differently",
                                 duration_days=2)
            self.decomposition.EditPlan(decomposition_pb2.EditPlanRequest(
                plan_id=plan_id, base_version=1,
                edits=[decomposition_pb2.PlanEdit(update_task=task)]))

        code, out, err = self.race(plan_id, rename_a, "update-task", "--id", "a",
                                   "--days", "4")
        self.assertEqual(code, 1, out)
        self.assertIn('conflict: task "a" of plan %s changed after version 1' %
                      plan_id, err)
        self.assertIn("nothing was written", err)
        got = self.cli_json("get", plan_id)
        self.assertEqual(got["version"], "2")
        a = [t for t in got["tasks"] if t["id"] == "a"][0]
        self.assertEqual((a["title"], a["duration_days"]),
                         ("build it differently", 2))

        # A dependency added to the node counts as a change of it too.
        def link_a():
            self.decomposition.EditPlan(decomposition_pb2.EditPlanRequest(
                plan_id=plan_id, base_version=2,
                edits=[decomposition_pb2.PlanEdit(add_dependency=plan_pb2.Dependency(
                    predecessor_id="a", successor_id="c"))]))

        code, _, err = self.race(plan_id, link_a, "remove", "a")
        self.assertEqual(code, 1)
        self.assertIn('conflict: task "a"', err)
        self.assertEqual(self.version(plan_id), 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
