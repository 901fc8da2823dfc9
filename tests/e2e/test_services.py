"""End to end over gRPC from Python against the real binaries and Redis:
every RPC, its answers and its error codes, health and reflection."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (chain_plan, date, decomposition_pb2, grpc, health_pb2,  # noqa: E402
                     metadata, plan_pb2, prioritization_pb2, reflection_pb2,
                     reflection_pb2_grpc, scheduling_pb2, ymd)

BOOK_YAML = """
name: launch
recipes:
  - name: launch-product
    goal: launch {product}
    sub_goals: ["{product} is built", "store sells {product}"]
    tasks:
      - title: write press release for {product}
        days: 3
      - title: launch event for {product}
        days: 1
        after: ["write press release for {product}"]
  - name: build-in-house
    goal: "{product} is built"
    tasks:
      - title: build {product}
        days: 20
  - name: build-with-partner
    goal: "{product} is built"
    tasks:
      - title: contract a partner to build {product}
        days: 10
"""


class ServicesTest(harness.ClusterTestCase):
    def create(self, plan=None, tenant=None):
        response = self.decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=plan or chain_plan()),
            metadata=metadata(tenant))
        self.assertEqual(response.version, 1)
        return response.plan_id

    # --- the pipeline --------------------------------------------------------

    def test_create_prioritize_schedule_gives_expected_dates(self):
        plan_id = self.create()
        got = self.decomposition.GetPlan(decomposition_pb2.GetPlanRequest(plan_id=plan_id))
        self.assertEqual(got.version, 1)
        self.assertEqual([t.id for t in got.tasks], ["a", "b", "c"])

        prio = self.prioritization.Prioritize(prioritization_pb2.PrioritizeRequest(
            plan_id=plan_id, method=prioritization_pb2.IMPORTANCE))
        self.assertEqual(prio.priorities.plan_version, 1)
        self.assertFalse(prio.stale)
        # a inherits b's importance 9 and must come before b.
        self.assertEqual(list(prio.priorities.execution_order), ["a", "b", "c"])

        response = self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id))
        self.assertFalse(response.degraded, response.degraded_reason)
        timeline = response.timeline
        self.assertTrue(timeline.feasible)
        self.assertEqual(ymd(timeline.final_milestone), (2027, 6, 30))
        by_id = {t.id: t for t in timeline.tasks}
        self.assertEqual(ymd(by_id["b"].deadline), (2027, 6, 30))
        self.assertEqual(ymd(by_id["b"].latest_start), (2027, 6, 28))
        self.assertEqual(ymd(by_id["a"].deadline), (2027, 6, 25))
        self.assertEqual(ymd(by_id["a"].latest_start), (2027, 6, 24))
        self.assertEqual(by_id["a"].deadline_reason.successor_id, "b")
        self.assertEqual(ymd(by_id["a"].earliest_start), (2027, 6, 7))
        self.assertEqual(by_id["a"].slack_days, 13)
        # Listed in priority order with ranks.
        self.assertEqual([t.id for t in timeline.tasks][:3], ["a", "b", "c"])
        self.assertEqual([by_id[i].rank for i in "abc"], [1, 2, 3])

    def test_stored_schedule_asks_prioritization_when_priorities_missing(self):
        plan_id = self.create()
        response = self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id))
        self.assertFalse(response.degraded, response.degraded_reason)
        self.assertTrue(all(t.rank > 0 for t in response.timeline.tasks if t.kind == 1))

    def test_inline_schedule_forward_and_infeasible(self):
        plan = chain_plan()
        plan.outcome.target_date.CopyFrom(date(2027, 6, 8))
        response = self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(
            plan=plan, mode=scheduling_pb2.FORWARD))
        timeline = response.timeline
        self.assertFalse(timeline.feasible)
        # a: Jun 7-8, b: Jun 9-11; the outcome can be reached on Fri Jun 11.
        self.assertEqual(ymd(timeline.earliest_finish), (2027, 6, 11))
        self.assertEqual(timeline.days_short, 3)
        self.assertEqual(list(timeline.causing_chain)[:2], ["a", "b"])
        by_id = {t.id: t for t in timeline.tasks}
        self.assertEqual(ymd(by_id["b"].deadline), (2027, 6, 11))

    # --- prioritization --------------------------------------------------------

    def test_every_priority_method_inline(self):
        plan = chain_plan()
        for t in plan.tasks:
            t.attributes.rice_reach = 100
            t.attributes.rice_impact = 1
            t.attributes.rice_confidence = 0.5
            t.attributes.rice_effort = 2
        for method in (prioritization_pb2.IMPORTANCE, prioritization_pb2.HARDEST_FIRST,
                       prioritization_pb2.QUICK_WINS, prioritization_pb2.WSJF,
                       prioritization_pb2.RICE, prioritization_pb2.WEIGHTED,
                       prioritization_pb2.PRIORITY_METHOD_UNSPECIFIED):
            request = prioritization_pb2.PrioritizeRequest(plan=plan, method=method)
            if method == prioritization_pb2.WEIGHTED:
                request.weights.add(criterion="importance", weight=1)
            response = self.prioritization.Prioritize(request)
            self.assertEqual(len(response.priorities.tasks), 3, method)
            self.assertTrue(response.priorities.tasks[0].contributions, method)
        rice = self.prioritization.Prioritize(prioritization_pb2.PrioritizeRequest(
            plan=plan, method=prioritization_pb2.RICE))
        self.assertAlmostEqual(rice.priorities.tasks[0].score, 25.0)

    def test_ahp_weights_and_inconsistent_matrix(self):
        m = prioritization_pb2.AhpMatrix(criteria=["a", "b", "c"],
                                         values=[1, 3, 5, 1 / 3, 1, 3, 1 / 5, 1 / 3, 1])
        weights = self.prioritization.ComputeAhpWeights(
            prioritization_pb2.ComputeAhpWeightsRequest(matrix=m))
        self.assertEqual([w.criterion for w in weights.weights], ["a", "b", "c"])
        self.assertAlmostEqual(sum(w.weight for w in weights.weights), 1.0, places=6)
        self.assertLess(weights.consistency_ratio, 0.1)
        bad = prioritization_pb2.AhpMatrix(criteria=["a", "b", "c"],
                                           values=[1, 9, 1 / 9, 1 / 9, 1, 9, 9, 1 / 9, 1])
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT,
                        self.prioritization.ComputeAhpWeights,
                        prioritization_pb2.ComputeAhpWeightsRequest(matrix=bad),
                        contains=("onsistency",))

    # --- errors ----------------------------------------------------------------

    def test_cycle_is_refused_naming_the_cycle(self):
        plan = chain_plan()
        plan.dependencies.add(predecessor_id="b", successor_id="a")
        for call, request in (
                (self.decomposition.CreatePlan, decomposition_pb2.CreatePlanRequest(plan=plan)),
                (self.scheduling.Schedule, scheduling_pb2.ScheduleRequest(plan=plan)),
                (self.prioritization.Prioritize, prioritization_pb2.PrioritizeRequest(plan=plan))):
            self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, call, request,
                            contains=("cycle: a -> b -> a",))

    def test_bad_attribute_names_task_and_field(self):
        plan = chain_plan()
        plan.tasks[1].attributes.difficulty = 12
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.decomposition.CreatePlan,
                        decomposition_pb2.CreatePlanRequest(plan=plan),
                        contains=('tasks[1].attributes.difficulty: task "b"',))

    def test_missing_target_date_and_source(self):
        plan = chain_plan()
        plan.outcome.ClearField("target_date")
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.scheduling.Schedule,
                        scheduling_pb2.ScheduleRequest(plan=plan),
                        contains=("outcome.target_date",))
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.scheduling.Schedule,
                        scheduling_pb2.ScheduleRequest(), contains=("source",))

    def test_plans_with_people_export_with_progress(self):
        # Schedule, Export and ReportProgress lay out resources
        # (tests/e2e/test_resources.py, tests/browser), progress included.
        plan = chain_plan()
        plan.resources.add(name="dev", capacity=1, members=["dana"])
        plan.tasks[0].demands.add(pool="dev", units=1)
        ics = self.scheduling.Export(scheduling_pb2.ExportRequest(plan=plan)).body
        self.assertEqual(ics.count("BEGIN:VTODO"), 3)
        self.assertIn("RESOURCES:dana\r\n", ics)
        plan.tasks[0].progress.status = plan_pb2.DONE
        plan.tasks[0].progress.actual_finish.CopyFrom(date(2027, 6, 8))
        ics = self.scheduling.Export(
            scheduling_pb2.ExportRequest(plan=plan, as_of=date(2027, 6, 9))).body
        self.assertEqual(ics.count("STATUS:COMPLETED"), 1)
        self.assertIn("DUE;VALUE=DATE:20270608", ics)

    def test_unknown_plan_is_not_found(self):
        for call, request in (
                (self.decomposition.GetPlan, decomposition_pb2.GetPlanRequest(plan_id="nope")),
                (self.decomposition.DeletePlan, decomposition_pb2.DeletePlanRequest(plan_id="nope")),
                (self.scheduling.Schedule, scheduling_pb2.ScheduleRequest(plan_id="nope")),
                (self.prioritization.Prioritize,
                 prioritization_pb2.PrioritizeRequest(plan_id="nope"))):
            self.assertCode(grpc.StatusCode.NOT_FOUND, call, request)

    # --- stored plans ----------------------------------------------------------

    def test_list_pages_and_delete(self):
        tenant = "lister"
        ids = sorted(self.create(tenant=tenant) for _ in range(5))
        seen, token = [], ""
        while True:
            page = self.decomposition.ListPlans(
                decomposition_pb2.ListPlansRequest(page_size=2, page_token=token),
                metadata=metadata(tenant))
            self.assertLessEqual(len(page.plans), 2)
            seen += [p.plan_id for p in page.plans]
            token = page.next_page_token
            if not token:
                break
        self.assertEqual(seen, ids)
        self.decomposition.DeletePlan(decomposition_pb2.DeletePlanRequest(plan_id=ids[0]),
                                      metadata=metadata(tenant))
        self.assertCode(grpc.StatusCode.NOT_FOUND, self.decomposition.GetPlan,
                        decomposition_pb2.GetPlanRequest(plan_id=ids[0]),
                        metadata=metadata(tenant))
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.decomposition.ListPlans,
                        decomposition_pb2.ListPlansRequest(page_size=5000))

    def test_tenants_do_not_see_each_other(self):
        plan_id = self.create(tenant="acme")
        self.assertCode(grpc.StatusCode.NOT_FOUND, self.decomposition.GetPlan,
                        decomposition_pb2.GetPlanRequest(plan_id=plan_id),
                        metadata=metadata("globex"))
        self.assertCode(grpc.StatusCode.NOT_FOUND, self.scheduling.Schedule,
                        scheduling_pb2.ScheduleRequest(plan_id=plan_id),
                        metadata=metadata("globex"))
        listed = self.decomposition.ListPlans(decomposition_pb2.ListPlansRequest(),
                                              metadata=metadata("globex"))
        self.assertNotIn(plan_id, [p.plan_id for p in listed.plans])
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.decomposition.GetPlan,
                        decomposition_pb2.GetPlanRequest(plan_id=plan_id),
                        metadata=metadata("bad tenant!"))

    def test_edits_are_versioned_validated_and_atomic(self):
        plan_id = self.create()
        edit = decomposition_pb2.EditPlanRequest(plan_id=plan_id, base_version=1)
        edit.edits.add().add_task.task.CopyFrom(plan_pb2.Task(id="d", title="test", duration_days=2))
        edit.edits.add().add_dependency.CopyFrom(plan_pb2.Dependency(predecessor_id="d",
                                                                     successor_id="b"))
        response = self.decomposition.EditPlan(edit)
        self.assertEqual(response.version, 2)
        # Stale: based on version 1 again.
        self.assertCode(grpc.StatusCode.ABORTED, self.decomposition.EditPlan, edit)
        # Cyclic: refused naming the cycle, nothing stored.
        cyclic = decomposition_pb2.EditPlanRequest(plan_id=plan_id, base_version=2)
        cyclic.edits.add().update_task.CopyFrom(plan_pb2.Task(id="c", title="docs", duration_days=1))
        cyclic.edits.add().add_dependency.CopyFrom(plan_pb2.Dependency(predecessor_id="b",
                                                                       successor_id="d"))
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.decomposition.EditPlan, cyclic,
                        contains=("cycle: b -> d -> b",))
        got = self.decomposition.GetPlan(decomposition_pb2.GetPlanRequest(plan_id=plan_id))
        self.assertEqual(got.version, 2)
        self.assertEqual(len(got.dependencies), 2)
        # Remove and expand.
        remove = decomposition_pb2.EditPlanRequest(plan_id=plan_id, base_version=2)
        remove.edits.add().remove.id = "d"
        remove.edits.add().remove_dependency.CopyFrom(
            plan_pb2.Dependency(predecessor_id="a", successor_id="b"))
        remove.edits.add().add_goal.goal.CopyFrom(plan_pb2.Goal(id="g", title="open",
                                                                state=plan_pb2.OPEN))
        self.assertEqual(self.decomposition.EditPlan(remove).version, 3)
        expand = decomposition_pb2.EditPlanRequest(plan_id=plan_id, base_version=3)
        expand.edits.add().expand_goal.goal_id = "g"
        expand.edits[0].expand_goal.tasks.add(id="e", title="work", duration_days=1)
        got = self.decomposition.EditPlan(expand).plan
        goal = [g for g in got.goals if g.id == "g"][0]
        self.assertEqual(goal.state, plan_pb2.BROKEN_DOWN)
        self.assertEqual(list(goal.task_ids), ["e"])
        self.assertEqual(len(got.dependencies), 0)

    def test_stale_priorities_are_reported(self):
        plan_id = self.create()
        self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id))
        edit = decomposition_pb2.EditPlanRequest(plan_id=plan_id, base_version=1)
        edit.edits.add().update_task.CopyFrom(plan_pb2.Task(id="c", title="docs", duration_days=4))
        self.decomposition.EditPlan(edit)
        # The schedule pipeline notices the priorities are for version 1.
        response = self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id))
        self.assertEqual(response.timeline.plan_version, 2)
        self.assertFalse(response.degraded)

    def test_watch_plan_streams_events(self):
        plan_id = self.create()
        request_id = "watch-rid-1"
        self.scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id),
                                 metadata=metadata(request_id=request_id))
        stream = self.decomposition.WatchPlan(
            decomposition_pb2.WatchPlanRequest(plan_id=plan_id), timeout=10)
        events = []
        for event in stream:
            events.append(event)
            if event.type == "schedule.updated":
                break
        stream.cancel()
        types = [e.type for e in events]
        self.assertEqual(types[0], "plan.created")
        self.assertIn("priorities.updated", types)
        self.assertEqual(events[-1].request_id, request_id)
        self.assertEqual(events[-1].plan_version, 1)

    # --- decomposition ---------------------------------------------------------

    def test_decompose_inline_and_stored_with_books(self):
        outcome = plan_pb2.Outcome(title="launch the reader",
                                   target_date=date(2027, 6, 30),
                                   start_date=date(2027, 1, 4))
        response = self.decomposition.Decompose(decomposition_pb2.DecomposeRequest(
            book_yaml=BOOK_YAML, outcome=outcome))
        titles = sorted(t.title for t in response.plan.tasks)
        self.assertIn("contract a partner to build the reader", titles)
        self.assertNotIn("build the reader", titles)
        self.assertEqual(len(response.open_goal_ids), 1)  # store sells the reader
        built = [e for e in response.explanations if e.goal == "the reader is built"][0]
        self.assertEqual(built.chosen_recipe, "build-with-partner")
        self.assertEqual(len(built.alternatives), 2)

        put = self.decomposition.PutRecipeBook(decomposition_pb2.PutRecipeBookRequest(
            yaml=BOOK_YAML, name="launch"), metadata=metadata("books"))
        self.assertEqual(put.version, 1)
        self.assertCode(grpc.StatusCode.ABORTED, self.decomposition.PutRecipeBook,
                        decomposition_pb2.PutRecipeBookRequest(yaml=BOOK_YAML, name="launch"),
                        metadata=metadata("books"))
        book = self.decomposition.GetRecipeBook(
            decomposition_pb2.GetRecipeBookRequest(name="launch"), metadata=metadata("books"))
        self.assertEqual(len(book.recipes), 3)
        listed = self.decomposition.ListRecipeBooks(decomposition_pb2.ListRecipeBooksRequest(),
                                                    metadata=metadata("books"))
        self.assertEqual(list(listed.names), ["launch"])
        stored = self.decomposition.Decompose(decomposition_pb2.DecomposeRequest(
            book_name="launch", outcome=outcome, store=True), metadata=metadata("books"))
        self.assertEqual(stored.version, 1)
        got = self.decomposition.GetPlan(decomposition_pb2.GetPlanRequest(
            plan_id=stored.plan_id), metadata=metadata("books"))
        self.assertEqual(len(got.tasks), len(response.plan.tasks))
        self.decomposition.DeleteRecipeBook(decomposition_pb2.DeleteRecipeBookRequest(
            name="launch"), metadata=metadata("books"))
        self.assertCode(grpc.StatusCode.NOT_FOUND, self.decomposition.GetRecipeBook,
                        decomposition_pb2.GetRecipeBookRequest(name="launch"),
                        metadata=metadata("books"))

    def test_bad_recipe_book_names_the_line(self):
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.decomposition.PutRecipeBook,
                        decomposition_pb2.PutRecipeBookRequest(
                            yaml="recipes:\n  - name: x\n    goal: g\n    colour: red\n",
                            name="bad"),
                        contains=(":4",))

    # --- progress and exports --------------------------------------------------

    def test_report_progress_and_exports(self):
        plan_id = self.create()
        request = scheduling_pb2.ReportProgressRequest(plan_id=plan_id, base_version=1,
                                                       as_of=date(2027, 6, 9))
        update = request.updates.add(task_id="a")
        update.progress.status = plan_pb2.DONE
        update.progress.actual_start.CopyFrom(date(2027, 6, 7))
        update.progress.actual_finish.CopyFrom(date(2027, 6, 8))
        response = self.scheduling.ReportProgress(request)
        self.assertEqual(response.version, 2)
        by_id = {t.id: t for t in response.timeline.tasks}
        self.assertEqual(ymd(by_id["a"].deadline), (2027, 6, 8))
        self.assertIn("a", [c.id for c in response.timeline.moved_deadlines])
        self.assertCode(grpc.StatusCode.ABORTED, self.scheduling.ReportProgress, request)

        ics = self.scheduling.Export(scheduling_pb2.ExportRequest(plan_id=plan_id,
                                                                  format=scheduling_pb2.ICS))
        self.assertTrue(ics.body.startswith("BEGIN:VCALENDAR\r\n"))
        self.assertIn("DUE;VALUE=DATE:20270630", ics.body)
        mermaid = self.scheduling.Export(scheduling_pb2.ExportRequest(
            plan=chain_plan(), format=scheduling_pb2.MERMAID))
        self.assertTrue(mermaid.body.startswith("gantt"))
        csv = self.scheduling.Export(scheduling_pb2.ExportRequest(
            plan=chain_plan(), format=scheduling_pb2.CSV))
        self.assertTrue(csv.body.startswith("id,kind,title"))
        self.assertEqual(csv.content_type, "text/csv; charset=utf-8")

    # --- health and reflection -------------------------------------------------

    def test_health_and_reflection(self):
        expected = {
            "decomposition": "backplan.v1.DecompositionService",
            "prioritization": "backplan.v1.PrioritizationService",
            "scheduling": "backplan.v1.SchedulingService",
        }
        for name, service in self.cluster.services.items():
            self.assertEqual(service.health(""), health_pb2.HealthCheckResponse.SERVING)
            self.assertEqual(service.health("backplan.store"),
                             health_pb2.HealthCheckResponse.SERVING)
            stub = reflection_pb2_grpc.ServerReflectionStub(service.channel)
            responses = stub.ServerReflectionInfo(iter(
                [reflection_pb2.ServerReflectionRequest(list_services="")]))
            names = [s.name for r in responses for s in r.list_services_response.service]
            self.assertIn(expected[name], names)
            self.assertIn("grpc.health.v1.Health", names)


if __name__ == "__main__":
    unittest.main(verbosity=2)
