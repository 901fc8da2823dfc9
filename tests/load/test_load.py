"""backplan-load against real processes: redis-server, the three services
(tests/e2e/harness.py starts them on free ports) and backplan-echo.

Checks that counts add up, status codes are counted by ghz's names, the JSON
report has ghz's fields, the open-loop rate is held, every built-in scenario
works, and the echo baseline answers with same-sized responses.
"""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))

import harness  # noqa: E402
from harness import plan_pb2, scheduling_pb2, scheduling_pb2_grpc  # noqa: E402

LOAD = os.path.join(harness.BUILD, "tools", "backplan-load", "backplan-load")
ECHO = os.path.join(harness.BUILD, "tests", "bench", "echo", "backplan-echo")
GHZ_FIELDS = ("date", "options", "count", "total", "average", "fastest",
              "slowest", "rps", "histogram", "latencyDistribution",
              "statusCodeDistribution", "errorDistribution")


def run_load(*args, expect_exit=0):
    proc = subprocess.run([LOAD, "--progress=off"] + list(args),
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != expect_exit:
        raise AssertionError("backplan-load %s exited %d: %s%s" % (
            " ".join(args), proc.returncode, proc.stdout, proc.stderr))
    return proc


def run_json(*args):
    return json.loads(run_load("--format=json", *args).stdout)


class EchoServer(harness.Service):
    def __init__(self, workdir):
        super().__init__("echo", workdir, "")
        self.binary = ECHO

    def start(self):
        # The echo has no store: drop the --redis flags the harness adds.
        if os.path.exists(self.port_file):
            os.remove(self.port_file)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--port=0", "--port_file=" + self.port_file, "--auth=none",
             "--metrics_port=0", "--log_level=warning"],
            stdout=self.log, stderr=self.log)
        harness.wait_until(lambda: os.path.exists(self.port_file)
                           or self.proc.poll() is not None, 20, "echo port")
        with open(self.port_file) as f:
            self.port = int(f.read().strip())
        self.channel = harness.grpc.insecure_channel(self.address)


class LoadToolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = harness.Cluster()
        cls.echo = EchoServer(cls.cluster.dir)
        cls.echo.start()
        cls.addr = {name: s.address for name, s in cls.cluster.services.items()}

    @classmethod
    def tearDownClass(cls):
        cls.echo.stop()
        cls.cluster.close()

    def assert_counts_add_up(self, report):
        for field in GHZ_FIELDS:
            self.assertIn(field, report)
        codes = report["statusCodeDistribution"]
        self.assertEqual(report["count"], sum(codes.values()))
        self.assertEqual(report["count"] - codes.get("OK", 0),
                         sum(report["errorDistribution"].values()))
        if codes.get("OK", 0):
            self.assertEqual(sum(b["count"] for b in report["histogram"]),
                             codes["OK"])
            self.assertEqual(len(report["histogram"]), 10)
            self.assertEqual([p["percentage"] for p in report["latencyDistribution"]],
                             [10, 25, 50, 75, 90, 95, 99, 99.9])
            latencies = [p["latency"] for p in report["latencyDistribution"]]
            self.assertEqual(latencies, sorted(latencies))
            self.assertLessEqual(report["fastest"], report["average"])
            self.assertLessEqual(report["average"], report["slowest"])
            self.assertEqual(report["histogram"][-1]["mark"], report["slowest"])

    def test_inline_schedule_closed_loop(self):
        report = run_json(self.addr["scheduling"], "--scenario=schedule",
                          "--tasks=50", "--concurrency=8", "--connections=2",
                          "--total=300", "--warmup=20", "--tenant=acme")
        self.assert_counts_add_up(report)
        self.assertEqual(report["count"], 300)
        self.assertEqual(report["statusCodeDistribution"], {"OK": 300})
        self.assertEqual(report["errorDistribution"], {})
        self.assertGreater(report["rps"], 0)
        self.assertEqual(report["options"]["concurrency"], 8)
        self.assertEqual(report["options"]["call"],
                         "/backplan.v1.SchedulingService/Schedule")

    def test_invalid_input_is_counted_by_code_name(self):
        cycle = {"plan": {
            "outcome": {"title": "t",
                        "targetDate": {"year": 2027, "month": 6, "day": 30}},
            "tasks": [{"id": "a", "durationDays": 1},
                      {"id": "b", "durationDays": 1}],
            "dependencies": [{"predecessorId": "a", "successorId": "b"},
                             {"predecessorId": "b", "successorId": "a"}]}}
        report = run_json(self.addr["scheduling"],
                          "--call", "backplan.v1.SchedulingService/Schedule",
                          "--data", json.dumps(cycle), "--total=40",
                          "--concurrency=4")
        self.assert_counts_add_up(report)
        self.assertEqual(report["statusCodeDistribution"], {"InvalidArgument": 40})
        (message, count), = report["errorDistribution"].items()
        self.assertEqual(count, 40)
        self.assertTrue(message.startswith(
            "rpc error: code = InvalidArgument desc = "), message)
        self.assertEqual(report["histogram"], [])

    def test_not_found_is_counted_by_code_name(self):
        # GetPlan of a plan that does not exist: NotFound, by name.
        report = run_json(self.addr["decomposition"],
                          "--call", "backplan.v1.DecompositionService/GetPlan",
                          "--data-file", self._write("get.json",
                                                     '{"planId": "nope"}'),
                          "--total=25")
        self.assert_counts_add_up(report)
        self.assertEqual(report["statusCodeDistribution"], {"NotFound": 25})

    def test_open_loop_holds_the_rate(self):
        report = run_json(self.addr["scheduling"], "--scenario=schedule",
                          "--rps=200", "--duration=3s")
        self.assert_counts_add_up(report)
        self.assertLessEqual(abs(report["count"] - 600), 30, report["count"])
        self.assertLessEqual(abs(report["rps"] - 200), 10, report["rps"])
        self.assertEqual(report["statusCodeDistribution"].get("OK"),
                         report["count"])

    def test_every_scenario_succeeds(self):
        cases = [
            ("prioritize", self.addr["prioritization"], []),
            ("pipeline", self.addr["scheduling"],
             ["--decomposition_address=" + self.addr["decomposition"],
              "--plans=2"]),
            ("get", self.addr["decomposition"], ["--goals=3"]),
            ("decompose", self.addr["decomposition"], []),
            ("decompose", self.addr["decomposition"], ["--book_form=proto"]),
        ]
        for scenario, address, extra in cases:
            with self.subTest(scenario=scenario):
                report = run_json(address, "--scenario=" + scenario,
                                  "--total=30", "--concurrency=4", *extra)
                self.assert_counts_add_up(report)
                self.assertEqual(report["statusCodeDistribution"], {"OK": 30},
                                 report["errorDistribution"])

    def test_text_report_like_ghz(self):
        out = run_load(self.addr["scheduling"], "--scenario=schedule",
                       "--duration=300ms", "--concurrency=2").stdout
        for part in ("Summary:", "Count:", "Total:", "Slowest:", "Fastest:",
                     "Average:", "Requests/sec:", "Response time histogram:",
                     "Latency distribution:", "99.9 % in",
                     "Status code distribution:", "[OK]"):
            self.assertIn(part, out)

    def test_usage_errors(self):
        run_load(self.addr["scheduling"], "--call", "backplan.v1.Nope/Nope",
                 expect_exit=2)
        run_load(self.addr["scheduling"], "--scenario=nope", expect_exit=2)
        run_load(self.addr["scheduling"], "--duration=five", expect_exit=2)
        run_load(expect_exit=2)

    def test_echo_serves_every_scenario(self):
        for scenario, extra in (("schedule", []), ("prioritize", []),
                                ("pipeline", ["--decomposition_address="
                                              + self.echo.address]),
                                ("get", []), ("decompose", [])):
            with self.subTest(scenario=scenario):
                report = run_json(self.echo.address, "--scenario=" + scenario,
                                  "--total=20", *extra)
                self.assertEqual(report["statusCodeDistribution"], {"OK": 20})

    def test_echo_answers_with_a_same_sized_response(self):
        plan = plan_pb2.Plan()
        plan.outcome.title = "fifty tasks"
        plan.outcome.target_date.CopyFrom(harness.date(2029, 1, 31))
        plan.outcome.start_date.CopyFrom(harness.date(2027, 1, 4))
        for i in range(50):
            plan.tasks.add(id="t%d" % i, title="Generated task number %d" % i,
                           duration_days=1 + i % 7)
            if i:
                plan.dependencies.add(predecessor_id="t%d" % (i - 1),
                                      successor_id="t%d" % i)
        request = scheduling_pb2.ScheduleRequest(plan=plan)
        real = self.cluster.stub("scheduling").Schedule(request, timeout=10)
        echo = scheduling_pb2_grpc.SchedulingServiceStub(
            self.echo.channel).Schedule(request, timeout=10)
        self.assertEqual(len(echo.timeline.tasks), len(real.timeline.tasks))
        ratio = echo.ByteSize() / real.ByteSize()
        self.assertGreater(ratio, 0.7, (echo.ByteSize(), real.ByteSize()))
        self.assertLess(ratio, 1.3, (echo.ByteSize(), real.ByteSize()))

    def _write(self, name, text):
        path = os.path.join(self.cluster.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path


if __name__ == "__main__":
    unittest.main(verbosity=2)
