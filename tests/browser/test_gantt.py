"""The HTML/SVG Gantt chart opened in a real browser, and the ICS calendar
events, end to end: real services and Redis (tests/e2e/harness.py), the
`backplan` CLI for the Kindle plan, gRPC for generated plans, and headless
Debian Chromium driven by npm playwright-core (gantt_check.mjs).

Environment: BACKPLAN_BUILD_DIR as for the e2e suites; BACKPLAN_CHROMIUM
(default /usr/bin/chromium); BACKPLAN_GANTT_SCREENSHOT=path also saves the
Kindle chart's full-page screenshot there (how docs/gantt-kindle.png is made).
The browser gets a fresh temporary profile (--user-data-dir) every run.
"""
import datetime
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402
from harness import plan_pb2, scheduling_pb2  # noqa: E402

CLI = os.path.join(harness.BUILD, "tools", "backplan", "backplan")
KINDLE = os.path.join(harness.ROOT, "examples", "kindle.yaml")
CHECK = os.path.join(HERE, "gantt_check.mjs")
SVG_NS = "{http://www.w3.org/2000/svg}"


def day(d):
    """A Date message or a {year, month, day} dict as a datetime.date."""
    if isinstance(d, dict):
        return datetime.date(d["year"], d["month"], d["day"])
    return datetime.date(d.year, d.month, d.day)


def ensure_playwright():
    if not os.path.isdir(os.path.join(harness.ROOT, "node_modules", "playwright-core")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=harness.ROOT, check=True, timeout=300)


def generated_plan(tasks=500, goals=20, seed=23, people=False):
    """`tasks` tasks in `goals` goals under one outcome goal, random
    finish-to-start dependencies from earlier to later tasks (so no cycle),
    a few fixed deadlines and holidays; with `people`, two pools with named
    members and a demand on every other task."""
    rng = random.Random(seed)
    plan = plan_pb2.Plan()
    plan.outcome.title = "Generated plan of %d tasks" % tasks
    plan.outcome.start_date.CopyFrom(harness.date(2027, 1, 4))
    plan.outcome.target_date.CopyFrom(harness.date(2028, 3, 31))
    plan.outcome_goal_id = "g-out"
    plan.calendar.holidays.extend(
        [harness.date(2027, 5, 31), harness.date(2027, 7, 5), harness.date(2027, 12, 24)])
    out = plan.goals.add(id="g-out", title="Everything is delivered")
    per_goal = tasks // goals
    for g in range(goals):
        goal = plan.goals.add(id="g%02d" % g, title="Workstream %d is done" % g)
        out.sub_goal_ids.append(goal.id)
        for i in range(g * per_goal, (g + 1) * per_goal):
            task = plan.tasks.add(id="t%03d" % i, title="Task %d of workstream %d" % (i, g),
                                  duration_days=rng.randint(1, 12))
            goal.task_ids.append(task.id)
            if rng.random() < 0.03:
                task.fixed_deadline.CopyFrom(harness.date(2027, rng.randint(6, 12), 15))
    seen = set()
    for i in range(1, tasks):
        for _ in range(rng.choice((0, 1, 1, 2))):
            j = rng.randint(max(0, i - 30), i - 1)
            if (j, i) not in seen:
                seen.add((j, i))
                plan.dependencies.add(predecessor_id="t%03d" % j, successor_id="t%03d" % i)
    if people:
        plan.resources.add(name="dev", capacity=3, members=["Ana", "Bo", "Cy"])
        plan.resources.add(name="qa", capacity=1, members=["Dee"])
        for i, task in enumerate(plan.tasks):
            if i % 2 == 0:
                task.demands.add(pool="dev" if i % 4 == 0 else "qa", units=1)
    return plan


class GanttBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ensure_playwright()
        cls.cluster = harness.Cluster()
        s = cls.cluster.services
        cls.flags = ["--decomposition=" + s["decomposition"].address,
                     "--prioritization=" + s["prioritization"].address,
                     "--scheduling=" + s["scheduling"].address, "--timeout_s=30"]
        cls.tmp = tempfile.mkdtemp(prefix="backplan-gantt-")
        cls.stub = cls.cluster.stub("scheduling")
        cls.expect = {}
        cases = []

        # The Kindle plan through the CLI, as a person would make it.
        html = cls.cli("export", KINDLE, "--format", "html")
        cls.write("kindle.html", html)
        cls.kindle_svg = cls.cli("export", KINDLE, "--format", "svg")
        timeline = json.loads(cls.cli("--json", "schedule", KINDLE))["timeline"]
        with open(KINDLE) as f:
            deps = re.findall(r"\{predecessor_id: ([\w-]+), successor_id: ([\w-]+)", f.read())
        cls.expect["kindle"] = {
            "tasks": {t["id"]: (day(t["planned_start"]), day(t["deadline"]),
                                bool(t.get("critical")))
                      for t in timeline["tasks"] if t.get("kind") == "TASK"},
            "deps": sorted("%s>%s" % d for d in deps),
            "target": datetime.date(2027, 6, 30),
            "holidays": 3,  # 2027-07-05 is after the axis ends.
        }
        shot = os.environ.get("BACKPLAN_GANTT_SCREENSHOT")
        cases.append({"name": "kindle", "html": os.path.join(cls.tmp, "kindle.html"),
                      "screenshot": os.path.abspath(shot) if shot else ""})

        # Generated plans inline over gRPC: 500 tasks, and 60 with people.
        for name, plan in (("generated500", generated_plan()),
                           ("people", generated_plan(tasks=60, goals=4, seed=5,
                                                     people=True))):
            for fmt, ext in ((scheduling_pb2.HTML, "html"), (scheduling_pb2.SVG, "svg")):
                response = cls.stub.Export(
                    scheduling_pb2.ExportRequest(plan=plan, format=fmt), timeout=60)
                cls.write("%s.%s" % (name, ext), response.body)
            scheduled = cls.stub.Schedule(scheduling_pb2.ScheduleRequest(plan=plan),
                                          timeout=60).timeline
            cls.expect[name] = {
                "tasks": {t.id: (day(t.planned_start), day(t.deadline), t.critical)
                          for t in scheduled.tasks if t.kind == scheduling_pb2.TASK},
                "deps": sorted("%s>%s" % (d.predecessor_id, d.successor_id)
                               for d in plan.dependencies),
                "target": day(plan.outcome.target_date),
                "holidays": 3,
                "people": bool(plan.resources),
            }
            cases.append({"name": name, "html": os.path.join(cls.tmp, name + ".html")})

        cases_path = cls.write("cases.json", json.dumps(cases))
        proc = subprocess.run(["node", CHECK, cases_path], cwd=harness.ROOT,
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise AssertionError("gantt_check.mjs failed:\n" + proc.stderr)
        cls.results = {r["name"]: r for r in json.loads(proc.stdout)}

    @classmethod
    def tearDownClass(cls):
        # Drain the three services at once rather than one after another.
        for service in cls.cluster.services.values():
            if service.proc is not None:
                service.proc.terminate()
        cls.cluster.close()

    @classmethod
    def cli(cls, *args):
        proc = subprocess.run([CLI] + cls.flags + list(args), cwd=harness.ROOT,
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise AssertionError("backplan %s: %s" % (" ".join(args), proc.stderr))
        return proc.stdout

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def check_chart(self, name):
        result, expect = self.results[name], self.expect[name]
        self.assertEqual(result["console"], [], name)
        self.assertEqual(result["pageErrors"], [], name)
        self.assertEqual(result["requests"], [], name)
        # One bar per task with the scheduled dates; critical bars marked and
        # drawn red (the hashed inline style applied).
        bars = {b["id"]: b for b in result["bars"]}
        self.assertEqual(len(result["bars"]), len(expect["tasks"]), name)
        self.assertEqual(set(bars), set(expect["tasks"]), name)
        for task_id, (start, end, critical) in expect["tasks"].items():
            bar = bars[task_id]
            if not expect.get("people"):  # Resource layouts are searched anew.
                self.assertEqual((bar["start"], bar["end"]),
                                 (start.isoformat(), end.isoformat()), task_id)
                self.assertEqual(bar["crit"], critical, task_id)
            if bar["crit"]:
                self.assertEqual(bar["fill"], "rgb(248, 113, 113)", task_id)
        self.assertGreater(sum(b["crit"] for b in result["bars"]), 0, name)
        # One arrow per dependency.
        self.assertEqual(sorted(result["arrows"]), expect["deps"], name)
        # The target line where the axis puts the end of the target day.
        self.assertEqual(result["targetDay"], expect["target"].isoformat())
        axis_start = datetime.date.fromisoformat(result["axisStart"])
        x = result["chartLeft"] + ((expect["target"] - axis_start).days + 1) * result["dayWidth"]
        self.assertAlmostEqual(result["targetX"], x, delta=0.5)
        self.assertEqual(result["holidays"], expect["holidays"], name)
        # Not blank: bars, shading and text cover a real share of the view.
        self.assertGreater(result["drawnShare"], 0.05, name)
        # Folding a group hides its rows and shrinks the chart; unfolding
        # restores it (the hashed inline script ran).
        fold = result["fold"]
        self.assertLess(fold["folded"], fold["before"], name)
        self.assertLess(fold["foldedHeight"], result["svgHeight"], name)
        self.assertEqual(fold["after"], fold["before"], name)
        return result

    def test_kindle_chart(self):
        result = self.check_chart("kindle")
        self.assertEqual(len(result["bars"]), 21)
        # Six goals as milestones; weekends and holidays shaded.
        self.assertEqual(result["milestones"], 6)
        self.assertGreater(result["nonworking"], 20)

    def test_generated_500_task_chart(self):
        result = self.check_chart("generated500")
        self.assertEqual(len(result["bars"]), 500)
        self.assertEqual(result["milestones"], 21)

    def test_members_as_swim_lanes(self):
        result = self.check_chart("people")
        self.assertEqual(len(result["bars"]), 60)
        svg = ET.parse(os.path.join(self.tmp, "people.svg")).getroot()
        labels = [t.text for t in svg.iter(SVG_NS + "text")
                  if t.get("class") == "label"]
        for lane in ("People", "Ana", "Bo", "Cy", "Dee", "Unassigned", "Goals"):
            self.assertIn(lane, labels)

    def svg_bars(self, text):
        root = ET.fromstring(text.encode())
        self.assertEqual(root.tag, SVG_NS + "svg")
        return {g.get("data-id"): (g.get("data-start"), g.get("data-end"))
                for g in root.iter(SVG_NS + "g") if "bar" in g.get("class", "").split()}

    def test_svg_parses_with_the_same_bars(self):
        with open(os.path.join(self.tmp, "generated500.svg")) as f:
            generated = f.read()
        for name, text in (("kindle", self.kindle_svg), ("generated500", generated)):
            bars = self.svg_bars(text)
            expect = self.expect[name]["tasks"]
            self.assertEqual(bars, {k: (s.isoformat(), e.isoformat())
                                    for k, (s, e, _) in expect.items()}, name)
            html_bars = {b["id"]: (b["start"], b["end"]) for b in self.results[name]["bars"]}
            self.assertEqual(bars, html_bars, name)

    def ics_events(self, mode):
        text = self.cli("export", KINDLE, "--format", "ics", "--ics_events", mode)
        # The CLI's output was read as text, so CRLF arrived as "\n".
        unfolded = text.replace("\r\n", "\n").replace("\n ", "")
        events = []
        for block in re.findall(r"BEGIN:VEVENT\n(.*?)END:VEVENT", unfolded, re.S):
            props = dict(line.split(":", 1) for line in block.split("\n") if line)
            events.append(props)
        self.assertNotIn("BEGIN:VTODO", text)
        return events

    def test_ics_deadline_and_span_events(self):
        tasks = self.expect["kindle"]["tasks"]
        one_day = datetime.timedelta(days=1)
        for mode in ("deadline", "span"):
            events = self.ics_events(mode)
            self.assertEqual(len(events), len(tasks), mode)  # One per task.
            for event in events:
                task_id = event["UID"].split("@")[0]
                start, end, _ = tasks[task_id]
                first = end if mode == "deadline" else start
                self.assertEqual(event["DTSTART;VALUE=DATE"], first.strftime("%Y%m%d"))
                self.assertEqual(event["DTEND;VALUE=DATE"], (end + one_day).strftime("%Y%m%d"))

    def test_ics_events_refused_for_other_formats(self):
        proc = subprocess.run([CLI] + self.flags + ["export", KINDLE, "--format", "html",
                                                    "--ics_events", "span"],
                              cwd=harness.ROOT, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("ics_events", proc.stderr)


if __name__ == "__main__":
    unittest.main()
