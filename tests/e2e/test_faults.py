"""Fault behaviour of the real processes: Redis going away and coming back,
prioritization down, SIGTERM with a call in flight, request ids across
services. Times are asserted with generous margins and printed."""
import concurrent.futures
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (chain_plan, decomposition_pb2, grpc, health_pb2, metadata,  # noqa: E402
                     prioritization_pb2, prioritization_pb2_grpc, scheduling_pb2,
                     wait_until)


class RedisOutageTest(unittest.TestCase):
    def setUp(self):
        self.cluster = harness.Cluster()

    def tearDown(self):
        self.cluster.close()

    def test_stored_calls_unavailable_then_recover_without_restart(self):
        decomposition = self.cluster.stub("decomposition")
        scheduling = self.cluster.stub("scheduling")
        plan_id = decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan())).plan_id
        self.cluster.redis.stop()

        started = time.monotonic()
        with self.assertRaises(grpc.RpcError) as raised:
            scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id), timeout=10)
        elapsed = time.monotonic() - started
        print("stored call with Redis down: %s after %.3f s" % (raised.exception.code(), elapsed))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertLess(elapsed, 3.0)

        service = self.cluster.services["scheduling"]
        t0 = time.monotonic()
        t1 = wait_until(lambda: service.health("backplan.store") ==
                        health_pb2.HealthCheckResponse.NOT_SERVING, 5, "store NOT_SERVING")
        print("backplan.store NOT_SERVING after %.3f s" % (t1 - t0))
        self.assertEqual(service.health(""), health_pb2.HealthCheckResponse.SERVING)

        # Inline calls keep working.
        inline = scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan=chain_plan()))
        self.assertTrue(inline.timeline.feasible)
        prio = self.cluster.stub("prioritization").Prioritize(
            prioritization_pb2.PrioritizeRequest(plan=chain_plan()))
        self.assertEqual(len(prio.priorities.tasks), 3)

        self.cluster.redis.start()  # Same port, empty data.
        t0 = time.monotonic()
        t1 = wait_until(lambda: service.health("backplan.store") ==
                        health_pb2.HealthCheckResponse.SERVING, 5, "store SERVING")
        print("backplan.store SERVING again after %.3f s" % (t1 - t0))
        fresh = decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan())).plan_id
        response = scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=fresh))
        self.assertTrue(response.timeline.feasible)
        self.assertFalse(response.degraded)


class PrioritizationDownTest(unittest.TestCase):
    def setUp(self):
        self.cluster = harness.Cluster()

    def tearDown(self):
        self.cluster.close()

    def test_stored_schedule_is_degraded_not_failed(self):
        decomposition = self.cluster.stub("decomposition")
        scheduling = self.cluster.stub("scheduling")
        plan_id = decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan())).plan_id
        self.assertEqual(self.cluster.services["prioritization"].stop(), 0)
        response = scheduling.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id),
                                       timeout=10)
        self.assertTrue(response.degraded)
        self.assertIn("UNAVAILABLE", response.degraded_reason)
        self.assertTrue(all(t.rank == 0 for t in response.timeline.tasks))
        by_id = {t.id: t for t in response.timeline.tasks}
        self.assertEqual(harness.ymd(by_id["b"].deadline), (2027, 6, 30))


class SlowPrioritization(prioritization_pb2_grpc.PrioritizationServiceServicer):
    """A real gRPC server that answers after a delay."""

    def Prioritize(self, request, context):
        time.sleep(2)
        response = prioritization_pb2.PrioritizeResponse()
        response.priorities.plan_id = request.plan_id
        response.priorities.plan_version = 1
        return response


class ShutdownTest(unittest.TestCase):
    def test_sigterm_lets_in_flight_call_finish_and_exits_zero(self):
        fake = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
        prioritization_pb2_grpc.add_PrioritizationServiceServicer_to_server(
            SlowPrioritization(), fake)
        port = fake.add_insecure_port("127.0.0.1:0")
        fake.start()
        cluster = harness.Cluster(prioritization_address="127.0.0.1:%d" % port)
        try:
            plan_id = cluster.stub("decomposition").CreatePlan(
                decomposition_pb2.CreatePlanRequest(plan=chain_plan())).plan_id
            scheduling = cluster.stub("scheduling")
            future = scheduling.Schedule.future(
                scheduling_pb2.ScheduleRequest(plan_id=plan_id), timeout=20)
            time.sleep(0.7)
            started = time.monotonic()
            code = cluster.services["scheduling"].stop()
            print("scheduling exited %d %.3f s after SIGTERM" % (code, time.monotonic() - started))
            response = future.result()
            self.assertEqual(code, 0)
            self.assertTrue(response.timeline.feasible)
            self.assertFalse(response.degraded)
        finally:
            cluster.close()
            fake.stop(0)


class WatchShutdownTest(unittest.TestCase):
    def test_watch_stream_ends_cleanly_on_sigterm(self):
        cluster = harness.Cluster()
        try:
            decomposition = cluster.stub("decomposition")
            plan_id = decomposition.CreatePlan(
                decomposition_pb2.CreatePlanRequest(plan=chain_plan())).plan_id
            stream = decomposition.WatchPlan(
                decomposition_pb2.WatchPlanRequest(plan_id=plan_id), timeout=30)
            first = next(stream)
            self.assertEqual(first.type, "plan.created")
            started = time.monotonic()
            code = cluster.services["decomposition"].stop()
            elapsed = time.monotonic() - started
            print("decomposition with a watcher exited %d %.3f s after SIGTERM"
                  % (code, elapsed))
            self.assertEqual(code, 0)
            # Well inside the 10 s grace period: the stream does not hold it.
            self.assertLess(elapsed, 8.0)
            self.assertEqual(list(stream), [])  # Ended with OK, no error.
        finally:
            cluster.close()


class RequestIdTest(unittest.TestCase):
    def test_request_id_in_log_lines_of_both_services(self):
        cluster = harness.Cluster()
        try:
            plan_id = cluster.stub("decomposition").CreatePlan(
                decomposition_pb2.CreatePlanRequest(plan=chain_plan())).plan_id
            call = cluster.stub("scheduling").Schedule.with_call(
                scheduling_pb2.ScheduleRequest(plan_id=plan_id),
                metadata=metadata(request_id="rid-e2e-42", tenant="default"))
            echoed = dict(call[1].initial_metadata()).get("x-request-id")
            self.assertEqual(echoed, "rid-e2e-42")
            for name, method in (("scheduling", "Schedule"), ("prioritization", "Prioritize")):
                lines = [l for l in cluster.services[name].log_lines()
                         if l.get("request_id") == "rid-e2e-42"]
                self.assertTrue(lines, name + " logged no line with the request id")
                self.assertEqual(lines[0]["method"], method)
                self.assertEqual(lines[0]["code"], "OK")
        finally:
            cluster.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
