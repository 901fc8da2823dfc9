"""The stored side under hostile load, against real processes: 32 idle
WatchPlan streams leave other tenants' calls served (streams wait on one
shared Redis reader, not on pool connections); a Redis that is out of memory
gives RESOURCE_EXHAUSTED and turns `backplan.store` NOT_SERVING until memory
is freed; per-tenant quotas give RESOURCE_EXHAUSTED naming the quota."""
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import resp  # noqa: E402
from harness import (chain_plan, decomposition_pb2, grpc, health_pb2,  # noqa: E402
                     metadata)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def redis_command(port, *args):
    """One command on a fresh connection; returns its reply."""
    client = resp.Client(port, timeout=2)
    try:
        return client.call(*args)
    finally:
        client.close()


class StoreLimitsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="backplan-limits-")
        self.redis = harness.Redis(self.dir)
        self.redis.start()
        self.service = None

    def tearDown(self):
        if self.service is not None and self.service.proc is not None:
            self.service.stop()
        self.redis.stop()

    def start(self, *flags):
        self.service = harness.Service("decomposition", self.dir,
                                       self.redis.address, list(flags))
        self.service.start()
        return harness.decomposition_pb2_grpc.DecompositionServiceStub(
            self.service.channel)

    def create(self, stub, tenant, title="ship the reader", timeout=5):
        return stub.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan(title)),
            timeout=timeout, metadata=metadata(tenant=tenant)).plan_id

    def test_32_idle_watch_streams_leave_other_tenants_served(self):
        # A pool of 4: before the shared reader, 4 idle streams took it all.
        stub = self.start("--max_watch_streams=40",
                          "--max_watch_streams_per_tenant=40",
                          "--redis_pool_size=4")
        bystander = self.create(stub, "bystander")
        watched = [self.create(stub, "watcher", "plan %d" % i) for i in range(32)]
        streams = [stub.WatchPlan(
            decomposition_pb2.WatchPlanRequest(plan_id=plan_id),
            timeout=60, metadata=metadata(tenant="watcher")) for plan_id in watched]
        try:
            # Each stream first sends the plan's creation event, then idles.
            for stream in streams:
                self.assertEqual(next(stream).type, "plan.created")
            time.sleep(1.5)  # Every stream now waits in the store.
            t0 = time.monotonic()
            for _ in range(50):
                plan = stub.GetPlan(
                    decomposition_pb2.GetPlanRequest(plan_id=bystander),
                    timeout=5, metadata=metadata(tenant="bystander"))
                self.assertEqual(plan.id, bystander)
            served_s = time.monotonic() - t0
            print("50 bystander GetPlan with 32 idle WatchPlan streams on a "
                  "pool of 4: %.3f s" % served_s)
            self.assertTrue(all(not s.done() for s in streams))
            # And the streams still deliver: an edit reaches its watcher.
            self.assertEqual(self.service.health("backplan.store"), SERVING)
            stub.DeletePlan(decomposition_pb2.DeletePlanRequest(plan_id=watched[0]),
                            timeout=5, metadata=metadata(tenant="watcher"))
            harness.wait_until(streams[0].done, 10, "the deleted plan's stream")
            self.assertEqual(streams[0].code(), grpc.StatusCode.OK)
        finally:
            for stream in streams:
                stream.cancel()

    def test_redis_out_of_memory_is_resource_exhausted_and_unhealthy(self):
        stub = self.start()
        big = "x" * 3000
        ids = [self.create(stub, "acme", "%d %s" % (i, big)) for i in range(300)]
        self.assertEqual(redis_command(self.redis.port, "CONFIG", "SET",
                                       "maxmemory-policy", "noeviction"), b"OK")
        # About 2 MB are used: with a 1 MB limit Redis refuses every write.
        self.assertEqual(redis_command(self.redis.port, "CONFIG", "SET",
                                       "maxmemory", "1mb"), b"OK")
        with self.assertRaises(grpc.RpcError) as raised:
            self.create(stub, "acme")
        error = raised.exception
        print("create on a full Redis: %s %s" % (error.code().name, error.details()))
        self.assertEqual(error.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertIn("out of memory", error.details())
        harness.wait_until(
            lambda: self.service.health("backplan.store") == NOT_SERVING,
            5, "backplan.store NOT_SERVING")
        # Readiness does not depend on Redis; reads still work.
        self.assertEqual(self.service.health(""), SERVING)
        stub.GetPlan(decomposition_pb2.GetPlanRequest(plan_id=ids[0]),
                     timeout=5, metadata=metadata(tenant="acme"))
        # Memory freed (the operator raises the limit): SERVING by itself.
        self.assertEqual(redis_command(self.redis.port, "CONFIG", "SET",
                                       "maxmemory", "0"), b"OK")
        harness.wait_until(
            lambda: self.service.health("backplan.store") == SERVING,
            5, "backplan.store SERVING again")
        self.create(stub, "acme")

    def test_plan_and_byte_quotas_per_tenant(self):
        stub = self.start("--max_plans_per_tenant=2",
                          "--max_stored_bytes_per_tenant=1500")
        self.create(stub, "acme")
        self.create(stub, "acme")
        with self.assertRaises(grpc.RpcError) as raised:
            self.create(stub, "acme")
        self.assertEqual(raised.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertIn("max_plans_per_tenant", raised.exception.details())
        # Another tenant has its own quota; a big plan passes the byte quota.
        self.create(stub, "other")
        with self.assertRaises(grpc.RpcError) as raised:
            self.create(stub, "other", "y" * 3000)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertIn("max_stored_bytes_per_tenant", raised.exception.details())
        print("quotas: %s" % raised.exception.details())


if __name__ == "__main__":
    unittest.main(verbosity=2)
