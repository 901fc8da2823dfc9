"""End to end over gRPC: resource-constrained Schedule, inline and stored,
with named members, bounds and gap, and the refusals."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (date, decomposition_pb2, grpc, metadata, plan_pb2,  # noqa: E402
                     prioritization_pb2, scheduling_pb2, ymd)


def team_plan():
    """Two devs (ann, bob) and one designer; target Fri 2027-07-02, start
    Mon 2027-06-07. design (3d, designer) -> build (4d, 2 devs) -> launch
    (1d, 1 dev); docs (5d, 1 dev) and tests (5d, 1 dev) need a dev each."""
    plan = plan_pb2.Plan()
    plan.outcome.title = "ship with the team we have"
    plan.outcome.target_date.CopyFrom(date(2027, 7, 2))
    plan.outcome.start_date.CopyFrom(date(2027, 6, 7))
    devs = plan.resources.add(name="dev", capacity=2)
    devs.members.extend(["ann", "bob"])
    plan.resources.add(name="design", capacity=1)
    for task_id, days, pool, units, importance in (
            ("design", 3, "design", 1, 5), ("build", 4, "dev", 2, 9),
            ("launch", 1, "dev", 1, 9), ("docs", 5, "dev", 1, 2),
            ("tests", 5, "dev", 1, 7)):
        task = plan.tasks.add(id=task_id, title=task_id, duration_days=days)
        task.demands.add(pool=pool, units=units)
        task.attributes.importance = importance
    plan.dependencies.add(predecessor_id="design", successor_id="build")
    plan.dependencies.add(predecessor_id="build", successor_id="launch")
    return plan


def working_days(first, last):
    """Mon-Fri days from first to last inclusive, as (y, m, d) ordinals."""
    import datetime
    day, out = datetime.date(*first), []
    while day <= datetime.date(*last):
        if day.weekday() < 5:
            out.append(day.toordinal())
        day += datetime.timedelta(days=1)
    return out


class ResourcesTest(harness.ClusterTestCase):
    def check_no_overlap(self, plan, timeline):
        """No pool over capacity on any day; nobody on two tasks a day."""
        pools = {p.name: p.capacity for p in plan.resources}
        demands = {t.id: t.demands for t in plan.tasks}
        used, busy = {}, set()
        for task in timeline.tasks:
            if task.kind != scheduling_pb2.TASK or task.duration_days == 0:
                continue
            days = working_days(ymd(task.planned_start),
                                ymd(task.deadline))
            self.assertEqual(len(days), task.duration_days, task.id)
            for d in demands[task.id]:
                for day in days:
                    used[(d.pool, day)] = used.get((d.pool, day), 0) + d.units
            for person in task.assignees:
                for day in days:
                    self.assertNotIn((person, day), busy, person)
                    busy.add((person, day))
        for (pool, day), units in used.items():
            self.assertLessEqual(units, pools[pool], (pool, day))

    def test_inline_backward_ends_on_target_with_members_and_bounds(self):
        plan = team_plan()
        request = scheduling_pb2.ScheduleRequest(plan=plan)
        request.resources.seed = 3
        timeline = self.scheduling.Schedule(request).timeline
        self.assertTrue(timeline.resource_constrained)
        self.assertTrue(timeline.feasible)
        self.assertEqual(ymd(timeline.final_milestone), (2027, 7, 2))
        by_id = {t.id: t for t in timeline.tasks}
        self.assertEqual(ymd(by_id["launch"].deadline), (2027, 7, 2))
        # build needs both devs for 4 days; docs and tests a dev each for 5:
        # 4*2 + 1 + 5 + 5 = 19 dev-days over 2 devs -> at least 10 days.
        self.assertEqual(timeline.resource_bound_days, 10)
        self.assertEqual(timeline.critical_path_bound_days, 8)
        self.assertEqual(timeline.lower_bound_days, 10)
        self.assertGreaterEqual(timeline.makespan_days, 10)
        self.assertAlmostEqual(
            timeline.gap_percent,
            100.0 * (timeline.makespan_days - 10) / 10, places=6)
        self.assertGreater(timeline.schedules_generated, 0)
        self.assertEqual(sorted(by_id["build"].assignees), ["ann", "bob"])
        self.assertEqual(len(by_id["docs"].assignees), 1)
        self.assertEqual(list(by_id["design"].assignees), [])  # unnamed pool
        self.check_no_overlap(plan, timeline)
        # Deterministic for a seed.
        again = self.scheduling.Schedule(request).timeline
        self.assertEqual([(t.id, ymd(t.deadline), list(t.assignees)) for t in again.tasks],
                         [(t.id, ymd(t.deadline), list(t.assignees)) for t in timeline.tasks])

    def test_inline_forward_with_reduced_day(self):
        plan = team_plan()
        # Only one dev on Tue 2027-06-15.
        plan.resources[0].reduced_days.add(day=date(2027, 6, 15), capacity=1)
        request = scheduling_pb2.ScheduleRequest(plan=plan, mode=scheduling_pb2.FORWARD)
        request.resources.max_schedules = 200
        request.resources.time_limit_ms = 2000
        timeline = self.scheduling.Schedule(request).timeline
        self.assertTrue(timeline.resource_constrained)
        by_id = {t.id: t for t in timeline.tasks}
        self.assertEqual(ymd(by_id["design"].planned_start), (2027, 6, 7))
        tue = working_days((2027, 6, 15), (2027, 6, 15))[0]
        devs_on_tue = sum(
            d.units for t in timeline.tasks if t.kind == scheduling_pb2.TASK
            for d in [x for x in plan.tasks if x.id == t.id][0].demands
            if d.pool == "dev" and t.duration_days > 0
            and tue in working_days(ymd(t.planned_start), ymd(t.deadline)))
        self.assertLessEqual(devs_on_tue, 1)
        self.check_no_overlap(plan, timeline)

    def test_stored_pipeline_uses_priorities(self):
        plan_id = self.decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=team_plan())).plan_id
        self.prioritization.Prioritize(prioritization_pb2.PrioritizeRequest(
            plan_id=plan_id, method=prioritization_pb2.IMPORTANCE))
        response = self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id))
        self.assertFalse(response.degraded, response.degraded_reason)
        timeline = response.timeline
        self.assertTrue(timeline.resource_constrained)
        self.assertEqual(ymd(timeline.final_milestone), (2027, 7, 2))
        self.assertTrue(all(t.rank > 0 for t in timeline.tasks if t.kind == scheduling_pb2.TASK))
        self.assertEqual(timeline.lower_bound_days, 10)
        self.check_no_overlap(team_plan(), timeline)

    def test_infeasible_target_is_an_answer(self):
        plan = team_plan()
        plan.outcome.target_date.CopyFrom(date(2027, 6, 11))
        timeline = self.scheduling.Schedule(
            scheduling_pb2.ScheduleRequest(plan=plan)).timeline
        self.assertFalse(timeline.feasible)
        self.assertGreaterEqual(timeline.days_short, 5)
        self.assertEqual(ymd(timeline.final_milestone), (2027, 6, 11))

    def test_demand_above_capacity_is_refused(self):
        plan = team_plan()
        plan.tasks[1].demands[0].units = 3
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.scheduling.Schedule,
                        scheduling_pb2.ScheduleRequest(plan=plan),
                        contains=('"build"', '"dev"'))

    def test_bad_options_are_refused(self):
        request = scheduling_pb2.ScheduleRequest(plan=team_plan())
        request.resources.max_schedules = -1
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.scheduling.Schedule,
                        request, contains=("resources.max_schedules",))

    def test_member_calendars_and_named_member(self):
        plan = team_plan()
        # ann is off Mon-Tue 2027-06-14/15 and must do the launch; bob works
        # Monday to Thursday.
        cal = plan.resources[0].member_calendars.add(member="ann")
        cal.days_off.extend([date(2027, 6, 14), date(2027, 6, 15)])
        bob = plan.resources[0].member_calendars.add(member="bob")
        bob.working_weekdays.extend([plan_pb2.MONDAY, plan_pb2.TUESDAY,
                                     plan_pb2.WEDNESDAY, plan_pb2.THURSDAY])
        plan.tasks[2].demands[0].member = "ann"
        for mode in (scheduling_pb2.FORWARD, scheduling_pb2.BACKWARD):
            request = scheduling_pb2.ScheduleRequest(plan=plan, mode=mode)
            request.resources.max_schedules = 200
            timeline = self.scheduling.Schedule(request).timeline
            off = set(working_days((2027, 6, 14), (2027, 6, 15)))
            fridays = {d for d in working_days((2027, 6, 1), (2027, 8, 31))
                       if d % 7 == 5}  # date.toordinal() % 7 == 5: Friday.
            for t in timeline.tasks:
                if t.kind != scheduling_pb2.TASK or not t.duration_days:
                    continue
                days = set(working_days(ymd(t.planned_start), ymd(t.deadline)))
                if "ann" in t.assignees:
                    self.assertFalse(days & off, t.id)
                if "bob" in t.assignees:
                    self.assertFalse(days & fridays, t.id)
            launch = next(t for t in timeline.tasks if t.id == "launch")
            self.assertEqual(list(launch.assignees), ["ann"])
            self.check_no_overlap(plan, timeline)
        cal.days_off.append(date(2027, 6, 14))
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.scheduling.Schedule,
                        scheduling_pb2.ScheduleRequest(plan=plan),
                        contains=('member "ann"', "2027-06-14"))


if __name__ == "__main__":
    unittest.main()
