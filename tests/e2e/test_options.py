"""End to end over gRPC: Options (cut scope, add people, move the date),
inline against a brute-force reference written here, stored with the stored
priorities' values, the refusals, and the CLI on the Kindle example."""
import datetime
import itertools
import os
import random
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (date, decomposition_pb2, grpc, plan_pb2,  # noqa: E402
                     prioritization_pb2, scheduling_pb2, ymd)

START = datetime.date(2027, 3, 1)  # A Monday; Mon-Fri calendar.


def working_day(k):
    """The k-th working day (0-based) from START."""
    return START + datetime.timedelta(days=(k // 5) * 7 + k % 5)


def random_plan(seed, n=10):
    """n tasks, about half optional, with random earlier predecessors."""
    rng = random.Random(seed)
    plan = plan_pb2.Plan()
    plan.outcome.title = "random options plan"
    plan.outcome.start_date.CopyFrom(date(START.year, START.month, START.day))
    plan.outcome.target_date.CopyFrom(date(2027, 12, 31))
    for i in range(n):
        task = plan.tasks.add(id="t%d" % i, title="task %d" % i,
                              duration_days=rng.randint(1, 9),
                              optional=rng.random() < 0.5)
        task.attributes.importance = rng.randint(1, 10)
        for pred in sorted(set(rng.sample(range(i), min(i, rng.randint(0, 2))))):
            plan.dependencies.add(predecessor_id="t%d" % pred,
                                  successor_id=task.id,
                                  lag_days=1 if rng.random() < 0.2 else 0)
    return plan


def finish_index(plan, cut):
    """Working-day index of the outcome's day without the tasks in `cut`."""
    end = {}
    for t in plan.tasks:  # Plan order is topological here.
        if t.id in cut:
            continue
        start = max([0] + [end[d.predecessor_id] + d.lag_days
                           for d in plan.dependencies
                           if d.successor_id == t.id and d.predecessor_id not in cut])
        end[t.id] = start + t.duration_days
    return max([0] + list(end.values())) - 1


def reference_cut(plan, target_index, value):
    """Least value lost over every allowed subset of the optional tasks."""
    optional = [t.id for t in plan.tasks if t.optional]
    best = None
    for r in range(len(optional) + 1):
        for cut in itertools.combinations(optional, r):
            cut = set(cut)
            if any(d.predecessor_id in cut and d.successor_id not in cut
                   for d in plan.dependencies):
                continue  # A kept task depends on a cut one.
            if finish_index(plan, cut) > target_index:
                continue
            lost = sum(value[t] for t in cut)
            if best is None or lost < best:
                best = lost
    return best


class OptionsTest(harness.ClusterTestCase):
    def test_inline_cut_matches_brute_force(self):
        found = missed = 0
        for seed in range(12):
            plan = random_plan(seed)
            full = finish_index(plan, set())
            target = working_day(max(0, full - random.Random(seed).randint(1, 12)))
            request = scheduling_pb2.OptionsRequest(
                plan=plan, target_date=date(target.year, target.month, target.day),
                iterations=200, seed=1)
            response = self.scheduling.Options(request, timeout=60)
            value = {t.id: t.attributes.importance for t in plan.tasks}
            target_index = [k for k in range(full + 1) if working_day(k) <= target][-1]
            best = reference_cut(plan, target_index, value)
            cut = response.cut_scope
            self.assertTrue(cut.exact)
            self.assertEqual(cut.found, best is not None, "seed %d" % seed)
            finish = working_day(full)
            self.assertEqual(ymd(response.finish),
                             (finish.year, finish.month, finish.day))
            if best is None:
                missed += 1
                self.assertIn("cannot reach", cut.note)
                continue
            found += 1
            self.assertAlmostEqual(cut.value_lost, best)
            self.assertLessEqual(finish_index(plan, set(cut.removed_task_ids)),
                                 target_index)
            self.assertEqual(cut.days_gained,
                             full - finish_index(plan, set(cut.removed_task_ids)))
            self.assertEqual(cut.probability_on_time, 1.0)  # No ranges.
            self.assertEqual(ymd(response.move_date.target_date),
                             ymd(response.finish))
        self.assertGreater(found, 3)
        self.assertGreater(missed, 0)

    def test_stored_uses_the_stored_priorities(self):
        plan = random_plan(40, n=9)
        created = self.decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=plan))
        prio = self.prioritization.Prioritize(prioritization_pb2.PrioritizeRequest(
            plan_id=created.plan_id, method=prioritization_pb2.IMPORTANCE)).priorities
        value = {t.task_id: t.order_value for t in prio.tasks}
        full = finish_index(plan, set())
        target = working_day(max(0, full - 6))
        response = self.scheduling.Options(scheduling_pb2.OptionsRequest(
            plan_id=created.plan_id, iterations=100,
            target_date=date(target.year, target.month, target.day)), timeout=60)
        self.assertEqual(response.plan_id, created.plan_id)
        self.assertEqual(response.plan_version, created.version)
        best = reference_cut(plan, max(0, full - 6), value)
        self.assertEqual(response.cut_scope.found, best is not None)
        if best is not None:
            self.assertAlmostEqual(response.cut_scope.value_lost, best)

    def test_add_people_to_a_pool(self):
        """Three 5-day tasks on one developer: 15 working days; two more
        developers bring it to 5."""
        plan = plan_pb2.Plan()
        plan.outcome.title = "pool plan"
        plan.outcome.start_date.CopyFrom(date(START.year, START.month, START.day))
        plan.outcome.target_date.CopyFrom(date(2027, 12, 31))
        plan.resources.add(name="dev", capacity=1)
        for i in range(3):
            task = plan.tasks.add(id="t%d" % i, title="t", duration_days=5)
            task.demands.add(pool="dev", units=1)
        target = working_day(4)
        response = self.scheduling.Options(scheduling_pb2.OptionsRequest(
            plan=plan, iterations=100,
            target_date=date(target.year, target.month, target.day)), timeout=60)
        self.assertTrue(response.resource_constrained)
        self.assertEqual(ymd(response.finish), ymd(date(*working_day(14).timetuple()[:3])))
        people = response.add_people
        self.assertTrue(people.applicable)
        self.assertTrue(people.found)
        self.assertEqual([(p.pool, p.extra_units) for p in people.extra], [("dev", 2)])
        self.assertEqual(people.total_extra_units, 2)
        self.assertEqual(ymd(people.finish), (target.year, target.month, target.day))
        self.assertEqual(people.probability_on_time, 1.0)
        # Nothing is optional; without pools the plan would be on time, so
        # the (empty) cut is found on the dependency schedule, then refused.
        self.assertFalse(response.cut_scope.found)
        self.assertIn("with pools", response.cut_scope.note)

    def test_bad_input_names_the_field(self):
        bad = grpc.StatusCode.INVALID_ARGUMENT
        plan = random_plan(5, n=4)
        for confidence in (1.0, 1.5, -0.1):
            self.assertCode(bad, self.scheduling.Options,
                            scheduling_pb2.OptionsRequest(plan=plan, confidence=confidence),
                            contains=("confidence",))
        self.assertCode(bad, self.scheduling.Options,
                        scheduling_pb2.OptionsRequest(plan=plan,
                                                      target_date=date(2027, 2, 1)),
                        contains=("target",))
        goal = plan.goals.add(id="g", title="g", task_ids=["t0"], optional=True)
        plan.outcome_goal_id = goal.id
        self.assertCode(bad, self.scheduling.Options,
                        scheduling_pb2.OptionsRequest(plan=plan),
                        contains=("goals[0].optional", "outcome goal"))
        self.assertCode(grpc.StatusCode.NOT_FOUND, self.scheduling.Options,
                        scheduling_pb2.OptionsRequest(plan_id="no-such-plan"))

    def test_cli_prints_the_options_of_the_kindle_example(self):
        cli = os.path.join(harness.BUILD, "tools", "backplan", "backplan")
        proc = subprocess.run(
            [cli, "--scheduling=" + self.cluster.services["scheduling"].address,
             "options", os.path.join(harness.ROOT, "examples", "kindle.yaml"),
             "--target", "2027-05-18", "--confidence", "0.8",
             "--iterations", "2000", "--seed", "7"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for text in ("target 2027-05-18", "P80 ", "cut scope", "add people",
                     "move the date",
                     "tasks cut: t-launch-event, t-press, t-support-training",
                     "add people: no task demands a pool"):
            self.assertIn(text, proc.stdout)


if __name__ == "__main__":
    unittest.main()
