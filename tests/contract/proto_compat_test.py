"""The compatibility check passes on the tree and catches each kind of
breaking change on a mutated copy of the baseline."""
import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proto_compat  # noqa: E402
from google.protobuf import descriptor_pb2  # noqa: E402


def find_message(fds, name):
    for f in fds.file:
        for m in f.message_type:
            if m.name == name:
                return m
    raise KeyError(name)


class ProtoCompatTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.baseline = proto_compat.load_baseline()
        cls.current = proto_compat.current_descriptors()

    def test_tree_is_compatible_with_baseline(self):
        self.assertEqual(proto_compat.breaking_changes(self.baseline, self.current), [])

    def mutated(self, change):
        fds = copy.deepcopy(self.current)
        change(fds)
        return proto_compat.breaking_changes(self.baseline, fds)

    def test_removed_field(self):
        def change(fds):
            task = find_message(fds, "Task")
            del task.field[2]
        self.assertIn("field backplan.v1.Task.duration_days (= 3) removed or renumbered",
                      self.mutated(change))

    def test_renumbered_field(self):
        def change(fds):
            find_message(fds, "Task").field[0].number = 99
        self.assertTrue(any("Task.id (= 1) removed or renumbered" in p
                            for p in self.mutated(change)))

    def test_changed_type(self):
        def change(fds):
            find_message(fds, "Task").field[2].type = (
                descriptor_pb2.FieldDescriptorProto.TYPE_INT64)
        self.assertIn("field backplan.v1.Task.duration_days (= 3) changed type",
                      self.mutated(change))

    def test_removed_rpc_and_enum_value(self):
        def change(fds):
            for f in fds.file:
                for s in f.service:
                    if s.name == "SchedulingService":
                        del s.method[0]
                for e in f.enum_type:
                    if e.name == "Weekday":
                        del e.value[7]
        problems = self.mutated(change)
        self.assertIn("rpc backplan.v1.SchedulingService/Schedule removed", problems)
        self.assertIn("enum value backplan.v1.Weekday.SUNDAY (= 7) removed or renamed",
                      problems)

    def test_added_field_is_fine(self):
        def change(fds):
            find_message(fds, "Task").field.add(
                name="new_field", number=100,
                type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
        self.assertEqual(self.mutated(change), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
