"""One real request through the image's three services, from outside:
CreatePlan (decomposition, stored in Redis), then Schedule (scheduling, which
fetches the priorities from prioritization over its own channel). Checks the
dates, so the image's libraries, Redis client and DNS resolution all worked.
Uses tests/e2e/harness.py's generated stubs and chain_plan().

  pipeline_probe.py DECOMPOSITION_ADDR SCHEDULING_ADDR

Prints PASS/FAIL lines; exits 1 on a failure.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
from harness import (chain_plan, decomposition_pb2, decomposition_pb2_grpc,  # noqa: E402
                     grpc, scheduling_pb2, scheduling_pb2_grpc, ymd)


def main(decomposition, scheduling):
    with grpc.insecure_channel(decomposition) as d, grpc.insecure_channel(scheduling) as s:
        created = decomposition_pb2_grpc.DecompositionServiceStub(d).CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan()), timeout=10)
        response = scheduling_pb2_grpc.SchedulingServiceStub(s).Schedule(
            scheduling_pb2.ScheduleRequest(plan_id=created.plan_id), timeout=10)
    by_id = {t.id: t for t in response.timeline.tasks}
    got = (response.degraded, ymd(by_id["a"].latest_start), ymd(by_id["b"].deadline),
           [by_id[i].rank for i in "abc"])
    want = (False, (2027, 6, 24), (2027, 6, 30), [1, 2, 3])
    ok = got == want
    print("%s image: CreatePlan then Schedule (priorities from prioritization): "
          "degraded, a.latest_start, b.deadline, ranks = %s%s"
          % ("PASS" if ok else "FAIL", got, "" if ok else " (want %s; %s)" % (want, response.degraded_reason)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
