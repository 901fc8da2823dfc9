"""End to end through the `backplan` CLI on a plan with people
(examples/kindle-team.yaml): repeatable search flags, members in the
timeline and every export, nobody double-booked (checked here, not by the
server)."""
import csv
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TEAM = os.path.join(harness.ROOT, "examples", "kindle-team.yaml")


def ordinal(d):
    import datetime
    return datetime.date(d["year"], d["month"], d["day"]).toordinal()


class TeamTest(harness.CliTestCase):
    tmp_prefix = "backplan-team-"

    def schedule(self, *extra):
        return self.cli_json("schedule", TEAM, *extra)["timeline"]

    def test_same_seed_and_budget_same_timeline(self):
        a = self.schedule("--seed", "7", "--max_schedules", "300")
        b = self.schedule("--seed", "7", "--max_schedules", "300")
        self.assertEqual(a["tasks"], b["tasks"])
        self.assertEqual(a["max_schedules"], 300)
        self.assertEqual(a["seed"], "7")
        self.assertIn(a["search_stopped_by"], ("budget", "lower bound"))
        self.assertLessEqual(a["lower_bound_days"], a["makespan_days"])
        self.assertIn(a["lower_bound_name"],
                      ("critical path", "resource", "energy", "conflict"))
        # Nobody on two tasks on one day; every task with people has them.
        busy = set()
        for task in a["tasks"]:
            if task.get("kind") != "TASK" or not task.get("duration_days"):
                continue
            days = range(ordinal(task["planned_start"]), ordinal(task["deadline"]) + 1)
            for who in task.get("assignees", []):
                for day in days:
                    self.assertNotIn((who, day), busy, task["id"])
                    busy.add((who, day))
        firmware = next(t for t in a["tasks"] if t["id"] == "t-firmware")
        self.assertEqual(sorted(firmware["assignees"]), ["fay", "finn"])
        # fay's week off (member_calendars) in April: nobody puts her on a task.
        import datetime
        for day in range(datetime.date(2027, 4, 19).toordinal(),
                         datetime.date(2027, 4, 23).toordinal() + 1):
            self.assertNotIn(("fay", day), busy)

    def test_time_limit_says_how_far_it_got(self):
        a = self.schedule("--seed", "3", "--max_schedules", "1000000",
                          "--time_limit_ms", "30")
        if a["search_stopped_by"] == "lower bound":
            self.skipTest("optimal before the time limit")
        self.assertEqual(a["search_stopped_by"], "time limit")
        self.assertLess(a["schedules_generated"], 1000000)

    def test_exports_name_the_people(self):
        body, _ = self.cli("export", TEAM, "--format", "csv", "--seed", "7")
        rows = list(csv.DictReader(io.StringIO(body)))
        firmware = next(r for r in rows if r["id"] == "t-firmware")
        self.assertEqual(sorted(firmware["assignees"].split("; ")), ["fay", "finn"])
        self.assertIn(firmware["resource_critical"], ("true", "false"))
        ics, _ = self.cli("export", TEAM, "--format", "ics", "--seed", "7")
        self.assertIn("RESOURCES:fay,finn", ics)
        mermaid, _ = self.cli("export", TEAM, "--format", "mermaid", "--seed", "7")
        self.assertIn("(fay, finn)", mermaid)


if __name__ == "__main__":
    unittest.main()
