"""Safe retries end to end: idempotency keys on the real decomposition
service over a real redis-server with append-only persistence (appendfsync
always), Redis killed or frozen between a write and its retry, and the
published service config (proto/backplan/v1/service_config.json) driving
retries in the Python client and the `backplan` CLI. Attempts are counted in
the server's JSON log (one line per attempt)."""
import concurrent.futures
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (chain_plan, decomposition_pb2, decomposition_pb2_grpc,  # noqa: E402
                     grpc, metadata, plan_pb2, prioritization_pb2, scheduling_pb2)

CLI = os.path.join(harness.BUILD, "tools", "backplan", "backplan")
SERVICE_CONFIG = os.path.join(harness.ROOT, "proto", "backplan", "v1",
                              "service_config.json")


class DurableRedis(harness.Redis):
    """redis-server with AOF on every write, so a SIGKILL loses nothing."""

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        harness.wait_until(self.ping, 10, "redis-server")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def freeze(self):
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.proc.send_signal(signal.SIGCONT)


def retrying_channel(address):
    """A channel with Backplan's published retry contract."""
    with open(SERVICE_CONFIG) as f:
        config = f.read()
    return grpc.insecure_channel(address, options=[
        ("grpc.service_config", config), ("grpc.enable_retries", 1)])


def create_request(title, key=""):
    return decomposition_pb2.CreatePlanRequest(plan=chain_plan(title),
                                               idempotency_key=key)


class IdempotencyTest(unittest.TestCase):
    ttl_flag = "--idempotency_ttl=24h"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="backplan-idem-")
        self.redis = DurableRedis(self.dir)
        self.redis.start()
        self.service = harness.Service("decomposition", self.dir, self.redis.address,
                                       [self.ttl_flag])
        self.service.start()
        self.stub = decomposition_pb2_grpc.DecompositionServiceStub(self.service.channel)

    def tearDown(self):
        if self.redis.proc is not None:
            self.redis.thaw()
        self.service.stop()
        self.redis.stop()

    def plan_count(self):
        return len(self.stub.ListPlans(
            decomposition_pb2.ListPlansRequest(page_size=1000), timeout=10).plans)

    def attempts(self, method, request_id=None):
        return [line for line in self.service.log_lines()
                if line.get("method") == method
                and (request_id is None or line.get("request_id") == request_id)]


class ConcurrentRetriesTest(IdempotencyTest):
    def test_eight_concurrent_creates_with_one_key_make_one_plan(self):
        request = create_request("one plan", "same-key-1")
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            responses = list(pool.map(
                lambda _: self.stub.CreatePlan(request, timeout=10), range(8)))
        self.assertEqual(len({r.SerializeToString() for r in responses}), 1)
        self.assertEqual(responses[0].version, 1)
        self.assertEqual(self.plan_count(), 1)
        # The id derives from tenant and key: another tenant gets its own.
        other = self.stub.CreatePlan(request, metadata=metadata(tenant="other"))
        self.assertNotEqual(other.plan_id, responses[0].plan_id)

    def test_eight_concurrent_edits_with_one_key_bump_once(self):
        plan_id = self.stub.CreatePlan(create_request("edited", "create-e")).plan_id
        edit = decomposition_pb2.EditPlanRequest(
            plan_id=plan_id, base_version=1, idempotency_key="edit-1")
        edit.edits.add().add_task.task.CopyFrom(
            plan_pb2.Task(id="d", title="extra", duration_days=1))
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            responses = list(pool.map(
                lambda _: self.stub.EditPlan(edit, timeout=10), range(8)))
        self.assertEqual(len({r.SerializeToString() for r in responses}), 1)
        self.assertEqual(responses[0].version, 2)
        stored = self.stub.GetPlan(decomposition_pb2.GetPlanRequest(plan_id=plan_id))
        self.assertEqual(stored.version, 2)
        self.assertEqual([t.id for t in stored.tasks].count("d"), 1)
        # A later retry, after the plan moved on, still gets the answer.
        again = decomposition_pb2.EditPlanRequest(
            plan_id=plan_id, base_version=2, idempotency_key="edit-2")
        again.edits.add().remove.id = "c"
        self.assertEqual(self.stub.EditPlan(again).version, 3)
        self.assertEqual(self.stub.EditPlan(edit), responses[0])

    def test_same_key_with_another_request_is_invalid_argument(self):
        self.stub.CreatePlan(create_request("first", "reused"))
        with self.assertRaises(grpc.RpcError) as raised:
            self.stub.CreatePlan(create_request("second", "reused"))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn('idempotency_key "reused"', raised.exception.details())
        with self.assertRaises(grpc.RpcError) as raised:
            self.stub.CreatePlan(create_request("long", "k" * 129))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("idempotency_key", raised.exception.details())
        self.assertEqual(self.plan_count(), 1)

    def test_recipe_book_put_is_replayed(self):
        request = decomposition_pb2.PutRecipeBookRequest(
            yaml="name: b\nrecipes:\n  - name: r\n    goal: ship {x}\n"
                 "    tasks:\n      - title: build {x}\n        days: 2\n",
            name="b", idempotency_key="book-1")
        first = self.stub.PutRecipeBook(request)
        self.assertEqual(first.version, 1)
        # Plainly this would be ABORTED (the book exists); it is a replay.
        self.assertEqual(self.stub.PutRecipeBook(request), first)


class StagesAndProgressTest(harness.ClusterTestCase):
    """Stored Prioritize, stored Schedule and ReportProgress replay too."""

    def test_stage_writes_and_progress_replay(self):
        decomposition = self.decomposition
        prioritization = self.prioritization
        scheduling = self.scheduling
        plan_id = decomposition.CreatePlan(create_request("stages", "stages-c")).plan_id

        prioritize = prioritization_pb2.PrioritizeRequest(
            plan_id=plan_id, method=prioritization_pb2.HARDEST_FIRST, idempotency_key="p-1")
        first = prioritization.Prioritize(prioritize)
        self.assertEqual(prioritization.Prioritize(prioritize), first)
        prioritize.method = prioritization_pb2.IMPORTANCE
        self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, prioritization.Prioritize,
                        prioritize)

        schedule = scheduling_pb2.ScheduleRequest(plan_id=plan_id, idempotency_key="s-1")
        scheduled = scheduling.Schedule(schedule)
        progress = scheduling_pb2.ReportProgressRequest(
            plan_id=plan_id, base_version=1, idempotency_key="r-1",
            as_of=harness.date(2027, 6, 9))
        update = progress.updates.add(task_id="a")
        update.progress.status = plan_pb2.DONE
        update.progress.actual_start.CopyFrom(harness.date(2027, 6, 7))
        update.progress.actual_finish.CopyFrom(harness.date(2027, 6, 8))
        reported = scheduling.ReportProgress(progress)
        self.assertEqual(reported.version, 2)
        # Retries after the plan moved on: the first answers, no new version.
        self.assertEqual(scheduling.ReportProgress(progress), reported)
        self.assertEqual(scheduling.Schedule(schedule), scheduled)
        self.assertEqual(scheduled.timeline.plan_version, 1)
        stored = decomposition.GetPlan(decomposition_pb2.GetPlanRequest(plan_id=plan_id))
        self.assertEqual(stored.version, 2)


class ShortTtlTest(IdempotencyTest):
    ttl_flag = "--idempotency_ttl=2s"

    def test_key_older_than_the_ttl_is_forgotten(self):
        plan_id = self.stub.CreatePlan(create_request("ttl", "create-t")).plan_id
        edit = decomposition_pb2.EditPlanRequest(
            plan_id=plan_id, base_version=1, idempotency_key="edit-t")
        edit.edits.add().remove.id = "c"
        self.assertEqual(self.stub.EditPlan(edit).version, 2)
        self.assertEqual(self.stub.EditPlan(edit).version, 2)  # Replayed.
        time.sleep(3)
        # Forgotten: the edit runs again and is refused as stale, not replayed.
        with self.assertRaises(grpc.RpcError) as raised:
            self.stub.EditPlan(edit)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.ABORTED)


class RedisFaultTest(IdempotencyTest):
    def test_sigkill_and_restart_between_write_and_retry(self):
        request = create_request("durable", "kill-1")
        first = self.stub.CreatePlan(request, timeout=10)
        self.redis.kill()
        self.redis.start()  # Same port and dir: the AOF is replayed.
        retried = self.stub.CreatePlan(request, timeout=10)
        self.assertEqual(retried, first)
        self.assertEqual(self.plan_count(), 1)

    def titles(self):
        plans = self.stub.ListPlans(
            decomposition_pb2.ListPlansRequest(page_size=1000), timeout=10).plans
        return [self.stub.GetPlan(decomposition_pb2.GetPlanRequest(
            plan_id=p.plan_id), timeout=10).outcome.title for p in plans]

    def run_frozen_creates(self, keyed, count=16):
        """`count` creates while Redis is frozen, each retried (with its own
        key, or without any) until it succeeds. Returns how many of them left
        more than one plan behind, and how many extra plans there are."""
        channel = retrying_channel(self.service.address)
        stub = decomposition_pb2_grpc.DecompositionServiceStub(channel)
        prefix = "keyed" if keyed else "keyless"
        # Warm: the write script is loaded, so a timed-out attempt is a sent
        # EVALSHA that Redis runs when it wakes up.
        stub.CreatePlan(create_request(prefix + " warm", prefix + "-warm" if keyed else ""))

        def create(i):
            request = create_request("%s %d" % (prefix, i),
                                     "%s-%d" % (prefix, i) if keyed else "")
            for _ in range(30):
                try:
                    return stub.CreatePlan(request, timeout=10)
                except grpc.RpcError as error:
                    if error.code() not in (grpc.StatusCode.UNAVAILABLE,
                                            grpc.StatusCode.DEADLINE_EXCEEDED):
                        raise
                    time.sleep(0.2)
            raise AssertionError("create %d never succeeded" % i)

        self.redis.freeze()
        thaw = threading.Timer(1.5, self.redis.thaw)
        thaw.start()
        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            responses = list(pool.map(create, range(count)))
        thaw.join()
        channel.close()
        self.assertEqual(len({r.plan_id for r in responses}), count)
        time.sleep(0.5)  # Late attempts Redis runs after its wake-up.
        titles = self.titles()
        per_create = [titles.count("%s %d" % (prefix, i)) for i in range(count)]
        self.assertTrue(all(n >= 1 for n in per_create))
        return (sum(1 for n in per_create if n > 1),
                sum(per_create) - count)

    def test_sigstop_during_creates_one_plan_per_key(self):
        keyless, keyless_extra = self.run_frozen_creates(keyed=False)
        keyed, keyed_extra = self.run_frozen_creates(keyed=True)
        print("Redis frozen 1.5 s during 16 creates, each retried until OK: "
              "without keys %d of 16 creates duplicated (%d extra plans); "
              "with keys %d of 16 (%d extra plans)"
              % (keyless, keyless_extra, keyed, keyed_extra))
        self.assertEqual(keyed, 0)
        self.assertEqual(keyed_extra, 0)
        # Without keys the timed-out creates ran anyway once Redis woke up.
        self.assertGreater(keyless, 0)


class ServiceConfigRetryTest(IdempotencyTest):
    def freeze_for(self, seconds):
        self.redis.freeze()
        timer = threading.Timer(seconds, self.redis.thaw)
        timer.start()
        return timer

    def test_python_client_retries_through_the_service_config(self):
        channel = retrying_channel(self.service.address)
        stub = decomposition_pb2_grpc.DecompositionServiceStub(channel)
        timer = self.freeze_for(0.8)
        response = stub.CreatePlan(create_request("py", "py-1"), timeout=20,
                                   metadata=metadata(request_id="py-retry-1"))
        timer.join()
        channel.close()
        attempts = self.attempts("CreatePlan", "py-retry-1")
        codes = [a["code"] for a in attempts]
        print("Python client, Redis frozen 0.8 s: CreatePlan attempts %s" % codes)
        self.assertGreaterEqual(len(attempts), 2)
        self.assertEqual(codes[-1], "OK")
        self.assertEqual(response.version, 1)
        self.assertEqual(self.plan_count(), 1)

    def test_cli_retries_through_the_service_config(self):
        path = os.path.join(harness.ROOT, "examples", "kindle.yaml")
        timer = self.freeze_for(0.8)
        # Only decomposition is running: the CLI's Schedule call then fails
        # (exit 3) after the plan is stored; the create is what is counted.
        proc = subprocess.run(
            [CLI, "--decomposition=" + self.service.address,
             "--scheduling=127.0.0.1:1", "--timeout_s=20", "plan", path],
            capture_output=True, text=True, timeout=60)
        timer.join()
        codes = [a["code"] for a in self.attempts("CreatePlan")]
        print("CLI, Redis frozen 0.8 s: CreatePlan attempts %s; exit %d"
              % (codes, proc.returncode))
        self.assertIn("the plan was stored as", proc.stderr)
        self.assertGreaterEqual(len(codes), 2)
        self.assertEqual(codes[-1], "OK")
        self.assertEqual(self.plan_count(), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
