"""End to end over gRPC: Monte Carlo Simulate, inline and stored, against a
reference simulation written here; identical answers with 1 and 4 compute
threads; the refusals; the CLI on the Kindle example."""
import datetime
import math
import os
import random
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (date, decomposition_pb2, grpc, metadata, plan_pb2,  # noqa: E402
                     scheduling_pb2, scheduling_pb2_grpc, ymd)

START = datetime.date(2027, 3, 1)  # A Monday; Mon-Fri calendar.
RUNS = 10000


def working_day(k):
    """The k-th working day (0-based) from START."""
    return START + datetime.timedelta(days=(k // 5) * 7 + k % 5)


def working_index(day):
    """Index of the last working day on or before `day`."""
    delta = (day - START).days
    weeks, rest = divmod(delta, 7)
    return weeks * 5 + min(rest, 4)


def random_plan(seed, n=60):
    """n tasks with three-point estimates and random earlier predecessors
    (some with lags); target about the most likely finish."""
    rng = random.Random(seed)
    plan = plan_pb2.Plan()
    plan.outcome.title = "random risk plan"
    plan.outcome.start_date.CopyFrom(date(START.year, START.month, START.day))
    for i in range(n):
        m = rng.randint(1, 8)
        task = plan.tasks.add(id="t%d" % i, title="task %d" % i, duration_days=m)
        task.optimistic_days = rng.randint(max(0, m - 3), m)
        task.pessimistic_days = m + rng.randint(0, 2 * m)
        for pred in sorted(set(rng.sample(range(i), min(i, rng.randint(0, 3))))):
            plan.dependencies.add(predecessor_id="t%d" % pred,
                                  successor_id=task.id,
                                  lag_days=1 if rng.random() < 0.1 else 0)
    return plan


def draw(rng, o, m, p):
    """PERT-beta on [o, p], rounded half up, at least 1."""
    if o == p:
        return max(1, m)
    a = 1 + 4.0 * (m - o) / (p - o)
    b = 1 + 4.0 * (p - m) / (p - o)
    x = o + (p - o) * rng.betavariate(a, b)
    return max(1, int(math.floor(x + 0.5)))


def reference_finishes(plan, runs, seed):
    """Working-day index of the outcome's day in each run."""
    rng = random.Random(seed)
    preds = {t.id: [] for t in plan.tasks}
    for d in plan.dependencies:
        preds[d.successor_id].append((d.predecessor_id, d.lag_days))
    out = []
    for _ in range(runs):
        end = {}
        for t in plan.tasks:  # Plan order is topological here.
            start = max([0] + [end[p] + lag for p, lag in preds[t.id]])
            end[t.id] = start + draw(rng, t.optimistic_days, t.duration_days,
                                     t.pessimistic_days)
        out.append(max(end.values()) - 1)
    return out


def cumulative(response, day):
    p = 0.0
    for f in response.finish_days:
        if datetime.date(*ymd(f.date)) > day:
            break
        p = f.cumulative_probability
    return p


class SimulateTest(harness.ClusterTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.extra = []
        for threads in (1, 4):
            service = harness.Service(
                "scheduling", cls.cluster.dir, cls.cluster.redis.address,
                ["--prioritization_address=", "--compute_threads=%d" % threads])
            service.port_file += str(threads)
            service.log_path += str(threads)
            service.start()
            cls.extra.append(service)

    @classmethod
    def tearDownClass(cls):
        for service in cls.extra:
            service.stop()
        super().tearDownClass()

    def test_matches_reference_simulation_within_three_standard_errors(self):
        plan = random_plan(2027)
        reference = reference_finishes(plan, RUNS, 99)
        ordered = sorted(reference)
        # Target: the reference's median; check dates around it.
        target = working_day(ordered[RUNS // 2])
        plan.outcome.target_date.CopyFrom(date(target.year, target.month, target.day))
        response = self.scheduling.Simulate(scheduling_pb2.SimulateRequest(
            plan=plan, iterations=RUNS, seed=5), timeout=60)
        self.assertEqual(response.iterations, RUNS)
        self.assertEqual(ymd(response.start_date), (2027, 3, 1))

        def check(day, got):
            k = working_index(day)
            want = sum(1 for f in reference if f <= k) / RUNS
            p = max(min((want + got) / 2, 1 - 1e-3), 1e-3)
            se = math.sqrt(2 * p * (1 - p) / RUNS)  # Two independent samples.
            self.assertLessEqual(abs(got - want), 3 * se,
                                 "P(finish <= %s): server %.4f, reference %.4f"
                                 % (day, got, want))

        check(target, response.probability_on_time)
        for q in (0.1, 0.3, 0.7, 0.9):
            day = working_day(ordered[int(q * RUNS)])
            check(day, cumulative(response, day))
        # P50 is the earliest day with at least half of the runs.
        p50 = datetime.date(*ymd(response.p50))
        self.assertGreaterEqual(cumulative(response, p50), 0.5)
        self.assertLess(cumulative(response, p50 - datetime.timedelta(days=1)), 0.5)
        self.assertEqual(sum(w.runs for w in response.histogram), RUNS)
        self.assertEqual(len(response.criticality), 60)
        indices = [c.index for c in response.criticality]
        self.assertEqual(indices, sorted(indices, reverse=True))
        self.assertGreater(indices[0], 0.0)

    def test_same_seed_is_byte_identical_on_one_and_four_threads(self):
        plan = random_plan(7)
        plan.outcome.target_date.CopyFrom(date(2027, 5, 3))
        request = scheduling_pb2.SimulateRequest(plan=plan, iterations=3000,
                                                 seed=123, percentiles=[33.3])
        answers = []
        for service in self.extra:
            stub = scheduling_pb2_grpc.SchedulingServiceStub(service.channel)
            answers.append(stub.Simulate(request, timeout=60).SerializeToString())
        self.assertEqual(answers[0], answers[1])
        request.seed = 124
        other = self.scheduling.Simulate(request, timeout=60).SerializeToString()
        self.assertNotEqual(other, answers[0])

    def test_stored_simulation_is_kept_with_the_plan_version(self):
        plan = random_plan(11, n=12)
        plan.outcome.target_date.CopyFrom(date(2027, 4, 30))
        created = self.decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=plan))
        plan_id = created.plan_id
        self.assertCode(grpc.StatusCode.NOT_FOUND, self.scheduling.Simulate,
                        scheduling_pb2.SimulateRequest(plan_id=plan_id,
                                                       stored_only=True),
                        contains=("no stored simulation",))
        request_id = "sim-e2e-1"
        response = self.scheduling.Simulate(
            scheduling_pb2.SimulateRequest(plan_id=plan_id, iterations=2000, seed=3),
            metadata=metadata(request_id=request_id))
        self.assertEqual(response.plan_id, plan_id)
        self.assertEqual(response.plan_version, created.version)
        self.assertFalse(response.stale)
        inline = self.scheduling.Simulate(scheduling_pb2.SimulateRequest(
            plan=plan, iterations=2000, seed=3))
        self.assertEqual(inline.probability_on_time, response.probability_on_time)

        stream = self.decomposition.WatchPlan(
            decomposition_pb2.WatchPlanRequest(plan_id=plan_id), timeout=10)
        for event in stream:
            if event.type == "simulation.updated":
                break
        stream.cancel()
        self.assertEqual(event.type, "simulation.updated")
        self.assertEqual(event.request_id, request_id)
        self.assertEqual(event.plan_version, created.version)

        stored = self.scheduling.Simulate(scheduling_pb2.SimulateRequest(
            plan_id=plan_id, stored_only=True))
        self.assertFalse(stored.stale)
        self.assertEqual(stored.probability_on_time, response.probability_on_time)
        # The plan moves on: the stored result says it is stale.
        edit = decomposition_pb2.PlanEdit()
        edit.update_task.CopyFrom(plan.tasks[0])
        edit.update_task.pessimistic_days += 5
        self.decomposition.EditPlan(decomposition_pb2.EditPlanRequest(
            plan_id=plan_id, base_version=created.version, edits=[edit]))
        stored = self.scheduling.Simulate(scheduling_pb2.SimulateRequest(
            plan_id=plan_id, stored_only=True))
        self.assertTrue(stored.stale)
        self.assertEqual(stored.plan_version, created.version)
        fresh = self.scheduling.Simulate(scheduling_pb2.SimulateRequest(
            plan_id=plan_id, iterations=2000, seed=3))
        self.assertEqual(fresh.plan_version, created.version + 1)
        self.assertFalse(fresh.stale)

    def test_bad_input_names_the_field(self):
        plan = random_plan(3, n=5)
        plan.outcome.target_date.CopyFrom(date(2027, 4, 30))
        bad = grpc.StatusCode.INVALID_ARGUMENT
        for iterations in (-1, 100001):
            self.assertCode(bad, self.scheduling.Simulate,
                            scheduling_pb2.SimulateRequest(plan=plan,
                                                           iterations=iterations),
                            contains=("iterations",))
        for q in (0, 100, -5, 250):
            self.assertCode(bad, self.scheduling.Simulate,
                            scheduling_pb2.SimulateRequest(plan=plan,
                                                           percentiles=[50, q]),
                            contains=("percentiles[1]",))
        broken = plan_pb2.Plan()
        broken.CopyFrom(plan)
        broken.tasks[0].optimistic_days = broken.tasks[0].duration_days + 1
        self.assertCode(bad, self.scheduling.Simulate,
                        scheduling_pb2.SimulateRequest(plan=broken),
                        contains=("optimistic_days", "t0"))
        broken.CopyFrom(plan)
        broken.tasks[1].pessimistic_days = broken.tasks[1].duration_days - 1
        self.assertCode(bad, self.scheduling.Simulate,
                        scheduling_pb2.SimulateRequest(plan=broken),
                        contains=("pessimistic_days", "t1"))
        self.assertCode(bad, self.scheduling.Simulate,
                        scheduling_pb2.SimulateRequest(plan=plan, stored_only=True),
                        contains=("stored_only",))

    def test_cli_simulates_the_kindle_example(self):
        cli = os.path.join(harness.BUILD, "tools", "backplan", "backplan")
        proc = subprocess.run(
            [cli, "--scheduling=" + self.cluster.services["scheduling"].address,
             "simulate", os.path.join(harness.ROOT, "examples", "kindle.yaml"),
             "--iterations", "2000", "--seed", "7"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = proc.stdout
        for text in ("2000 runs, seed 7, PERT", "P(on time)", "P50 ", "P95 ",
                     "finishes by week", "most critical:", "most sensitive"):
            self.assertIn(text, out)
        self.assertIn("#", out)


if __name__ == "__main__":
    unittest.main()
