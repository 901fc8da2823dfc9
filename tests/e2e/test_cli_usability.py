"""End to end through the `backplan` tool: output that fits a terminal and
errors a person can act on (issue 24 items 3, 4 and 6, and `progress`).
The built binary runs against real services and Redis (harness.Cluster)."""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

EXAMPLES = os.path.join(harness.ROOT, "examples")
KINDLE = os.path.join(EXAMPLES, "kindle.yaml")
TEAM = os.path.join(EXAMPLES, "kindle-team.yaml")
WIDTH = 120


def ids_in(path):
    with open(path) as f:
        return re.findall(r"^  - id: ([tg]-[\w-]+)$", f.read(), re.M)


class CliUsabilityTest(harness.CliTestCase):
    tmp_prefix = "backplan-usability-"

    def stored_kindle(self):
        out, _ = self.cli("plan", KINDLE)
        return re.match(r"plan (\S+) v1", out).group(1)

    # --- tables that fit ----------------------------------------------------

    def assertFits(self, out, ids):
        for line in out.splitlines():
            self.assertLessEqual(len(line), WIDTH, "too wide:\n" + line)
        words = set(re.findall(r"[\w-]+", out))
        for node_id in ids:
            self.assertIn(node_id, words, "id cut or missing: " + node_id)

    def test_kindle_outputs_fit_120_columns_with_whole_ids(self):
        kindle_ids = ids_in(KINDLE)
        team_ids = ids_in(TEAM)
        self.assertEqual(len(kindle_ids), 27)
        for args, ids in [
                (("plan", KINDLE), kindle_ids),
                (("schedule", KINDLE, "--mode", "forward"), kindle_ids),
                (("prioritize", KINDLE, "--method", "wsjf", "--explain"),
                 [i for i in kindle_ids if i.startswith("t-")]),
                (("schedule", TEAM, "--seed", "7", "--max_schedules", "200"),
                 team_ids),
                (("schedule", TEAM, "--mode", "forward", "--seed", "7",
                  "--max_schedules", "200"), team_ids),
                (("simulate", KINDLE, "--iterations", "500", "--seed", "7"), []),
                (("options", KINDLE, "--target", "2027-05-18"), [])]:
            out, _ = self.cli(*args)
            self.assertFits(out, ids)
        # --wide prints every title whole, so lines grow past 120.
        wide, _ = self.cli("schedule", KINDLE, "--wide")
        self.assertGreater(max(len(line) for line in wide.splitlines()), WIDTH)
        with open(KINDLE) as f:
            longest = max(re.findall(r"^    title: (.+)$", f.read(), re.M), key=len)
        self.assertIn(longest, wide)
        narrow, _ = self.cli("schedule", KINDLE)
        self.assertNotIn(longest, narrow)

    def test_schedule_has_a_legend(self):
        out, _ = self.cli("schedule", KINDLE)
        self.assertIn("CRITICAL: on the chain with the least slack (here 31 days;",
                      " ".join(out.split()))
        team, _ = self.cli("schedule", TEAM, "--seed", "7", "--max_schedules", "200")
        self.assertIn("Gap: how far the makespan is above the lower bound",
                      " ".join(team.split()))

    def test_forward_mode_shows_earliest_dates(self):
        # D1: going forward the table shows when each task starts and
        # finishes, not the backward pass's latest dates.
        out, _ = self.cli("schedule", KINDLE, "--mode", "forward")
        lines = out.splitlines()
        header = [line for line in lines if line.startswith("RANK")][0]
        self.assertIn("START", header)
        self.assertIn("FINISH", header)
        self.assertNotIn("LATEST START", header)
        self.assertNotIn("DEADLINE", header)
        final = re.search(r"final milestone (\d{4}-\d\d-\d\d)", out).group(1)
        rows = [line for line in lines if re.match(r"\s*(\d+|-)\s+[tg]-", line)]
        self.assertEqual(len(rows), 27)
        for row in rows:
            start, finish = re.findall(r"\d{4}-\d\d-\d\d", row)
            self.assertLessEqual(start, finish, row)
            self.assertLessEqual(finish, final, row)
        pricing = [r for r in rows if " t-pricing " in r][0]
        self.assertEqual(re.findall(r"\d{4}-\d\d-\d\d", pricing)[0], "2027-01-04")

    # --- progress -----------------------------------------------------------

    def test_progress_done_then_remaining(self):
        plan_id = self.stored_kindle()
        out, _ = self.cli("progress", plan_id, "--task", "t-store-backend",
                          "--done", "2027-02-12", "--as_of", "2027-02-15")
        self.assertTrue(out.startswith(
            "plan %s version 2: t-store-backend done on 2027-02-12\n" % plan_id), out)
        self.assertIn("plan %s v2 | backward" % plan_id, out.splitlines()[1])
        for line in out.splitlines():
            self.assertLessEqual(len(line), WIDTH, line)
        out, _ = self.cli("progress", plan_id, "--task", "t-one-click",
                          "--remaining", "3", "--started", "2027-02-15",
                          "--as_of", "2027-02-17")
        self.assertIn("version 3: t-one-click in progress, 3 working days left", out)
        # The re-planned timeline: the running task ends 3 working days
        # from as_of (Wed 17, Thu 18, Fri 19).
        out, _ = self.cli("--json", "progress", plan_id, "--task", "t-one-click",
                          "--remaining", "3", "--started", "2027-02-15",
                          "--as_of", "2027-02-17")
        response = json.loads(out)
        self.assertEqual(response["version"], "4")
        nodes = {t["id"]: t for t in response["timeline"]["tasks"]}
        self.assertEqual(nodes["t-one-click"]["earliest_finish"],
                         {"year": 2027, "month": 2, "day": 19})
        plan, _ = self.cli("--json", "get", plan_id)
        tasks = {t["id"]: t for t in json.loads(plan)["tasks"]}
        self.assertEqual(tasks["t-store-backend"]["progress"],
                         {"status": "DONE",
                          "actual_finish": {"year": 2027, "month": 2, "day": 12}})
        self.assertEqual(tasks["t-one-click"]["progress"],
                         {"status": "IN_PROGRESS", "remaining_days": 3,
                          "actual_start": {"year": 2027, "month": 2, "day": 15}})

    def test_progress_errors(self):
        plan_id = self.stored_kindle()
        _, err = self.cli("progress", plan_id, "--task", "t-pricing", code=2)
        self.assertIn("give either --done YYYY-MM-DD", err)
        _, err = self.cli("progress", plan_id, "--task", "t-pricing", "--done",
                          "2027-02-01", "--remaining", "2", code=2)
        self.assertIn("give either --done", err)
        _, err = self.cli("progress", plan_id, "--done", "2027-02-01", code=2)
        self.assertIn("give one --task", err)
        _, err = self.cli("progress", plan_id, "--task", "t-pricing", "--done",
                          "2027-02-30", code=2)
        self.assertIn('--done "2027-02-30" is not a date (YYYY-MM-DD)', err)
        _, err = self.cli("progress", plan_id, "--task", "t-pricing",
                          "--remaining", "-2", code=2)
        self.assertIn("--remaining must be 0 or more working days, not -2", err)
        _, err = self.cli("progress", plan_id, "--task", "t-nope", "--done",
                          "2027-02-01", "--as_of", "2027-02-02", code=1)
        self.assertIn("ReportProgress failed: ", err)
        self.assertIn("t-nope", err)
        _, err = self.cli("progress", plan_id, "--task", "t-pricing", "--done",
                          "2027-03-01", "--as_of", "2027-02-01", code=1)
        self.assertIn("INVALID_ARGUMENT", err)
        self.assertIn("after", err)
        self.cli("progress", plan_id, "--task", "t-pricing", "--remaining", "1",
                 "--as_of", "2027-02-01")
        _, err = self.cli("progress", plan_id, "--task", "t-pricing", "--remaining",
                          "0", "--as_of", "2027-02-01", "--base_version", "1", code=1)
        self.assertIn("ReportProgress failed: ABORTED", err)
        _, err = self.cli("progress", "no-such-plan", "--task", "t-a", "--remaining",
                          "1", code=1)
        self.assertIn("GetPlan failed: NOT_FOUND", err)

    # --- errors people can fix ----------------------------------------------

    def test_edit_negative_days_says_what_is_wrong(self):
        # D15.
        plan_id = self.stored_kindle()
        _, err = self.cli("edit", plan_id, "--base_version", "1", "add-task",
                          "--id", "t-qa", "--title", "QA", "--days", "-3", code=2)
        self.assertIn("backplan: edit add-task: --days must be 0 or more working "
                      "days, not -3; usage:", err)
        _, err = self.cli("edit", plan_id, "--base_version", "1", "add-task",
                          "--id", "t-qa", "--days", "3", code=2)
        self.assertIn("edit add-task: --title T is missing", err)
        _, err = self.cli("edit", plan_id, "--base_version", "1", "update-task",
                          "--id", "t-pricing", "--days", "-3", code=2)
        self.assertIn("edit update-task: --days must be 0 or more working days, "
                      "not -3", err)

    def test_weighted_without_weights_uses_the_defaults(self):
        out, err = self.cli("prioritize", KINDLE, "--method", "weighted")
        self.assertIn("method WEIGHTED", out)
        self.assertIn("   1  t-store-backend  ", out)
        self.assertEqual(err, "")

    def test_plan_file_mistakes_all_at_once(self):
        path = self.write("three.yaml",
                          "outcome:\n"
                          "  title: x\n"
                          "  target_date: 2027-02-30\n"
                          "tasks:\n"
                          "  - id: a\n"
                          "    duration_days: ten\n"
                          "  - id: b\n"
                          "    duraton_days: 3\n")
        _, err = self.cli("schedule", path, code=2)
        self.assertEqual(err.splitlines(), [
            "backplan: %s:3:16: outcome.target_date: \"2027-02-30\" is not a "
            "valid date (expected YYYY-MM-DD)" % path,
            "backplan: %s:6:20: tasks[0].duration_days: \"ten\" is not an "
            "integer" % path,
            "backplan: %s:8:5: tasks[1].duraton_days: unknown key; did you mean "
            "duration_days?" % path])
        many = self.write("many.yaml", "tasks:\n" + "".join(
            "  - {id: t%d, duration_days: x}\n" % i for i in range(30)))
        _, err = self.cli("plan", many, code=2)
        lines = err.splitlines()
        self.assertEqual(len(lines), 21)
        self.assertEqual(lines[-1], "backplan: %s: ... and 10 more" % many)
        syntax = self.write("syntax.yaml", "outcome:\n  title: Goal: buy a book\n")
        _, err = self.cli("plan", syntax, code=2)
        self.assertEqual(err.count("\n"), 1)
        self.assertIn("%s:2:14: YAML syntax: illegal map value (hint: " % syntax, err)

    def test_server_lists_stay_short(self):
        # A cycle of 12 tasks: the services name its first ids and how many
        # more, in one short line.
        n = 12
        lines = ["outcome: {title: loop, target_date: 2027-06-30, "
                 "start_date: 2027-01-04}", "tasks:"]
        lines += ["  - {id: t-%02d, title: step, duration_days: 1}" % i
                  for i in range(n)]
        lines.append("dependencies:")
        lines += ["  - {predecessor_id: t-%02d, successor_id: t-%02d}"
                  % (i, (i + 1) % n) for i in range(n)]
        path = self.write("cycle.yaml", "\n".join(lines) + "\n")
        _, err = self.cli("schedule", path, code=1)
        self.assertIn("Schedule failed: INVALID_ARGUMENT", err)
        self.assertIn("more", err)
        self.assertLess(len(err), 600)
        self.assertEqual(err.count("\n"), 1)


if __name__ == "__main__":
    unittest.main()
