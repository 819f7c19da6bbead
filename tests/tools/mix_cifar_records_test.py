"""tools/mix_cifar_records.py: interleaving order, byte-exact copies, and refusals that leave no file."""
import os
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mix_cifar_records.py")
RECORD = 3073


def record(label, fill):
    return bytes([label]) + bytes([fill]) * (RECORD - 1)


class MixCifarRecords(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.a = os.path.join(self.dir.name, "a.bin")
        self.b = os.path.join(self.dir.name, "b.bin")
        with open(self.a, "wb") as f:
            f.write(b"".join(record(i % 10, 10 + i) for i in range(6)))
        with open(self.b, "wb") as f:
            f.write(b"".join(record((i + 3) % 10, 100 + i) for i in range(4)))
        self.out = os.path.join(self.dir.name, "out.bin")

    def tearDown(self):
        self.dir.cleanup()

    def run_tool(self, *specs):
        return subprocess.run([sys.executable, TOOL, self.out, *specs], capture_output=True, text=True)

    def test_interleaves_the_requested_records_byte_for_byte(self):
        r = self.run_tool(f"{self.a}:2:3", f"{self.b}:1:3")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = open(self.out, "rb").read()
        expected = [record(2, 12), record(4, 101), record(3, 13), record(5, 102), record(4, 14), record(6, 103)]
        self.assertEqual(data, b"".join(expected))

    def test_refusals_name_the_problem_and_write_nothing(self):
        cases = [
            ((f"{self.a}:5:2",), "records 5..6 requested, the file has 6"),
            ((f"{self.a}:0:2", f"{self.b}:0:3"), "expected the same for every source"),
            ((f"{self.a}:x:2",), "must be integers"),
            ((f"{self.a}:0:0",), "COUNT >= 1"),
            ((os.path.join(self.dir.name, "missing.bin") + ":0:1",), "cannot read"),
        ]
        for specs, message in cases:
            r = self.run_tool(*specs)
            self.assertEqual(r.returncode, 2, specs)
            self.assertIn(message, r.stderr, specs)
            self.assertFalse(os.path.exists(self.out), specs)

    def test_refuses_a_file_that_is_not_whole_records_or_has_a_bad_label(self):
        torn = os.path.join(self.dir.name, "torn.bin")
        with open(torn, "wb") as f:
            f.write(record(1, 1) + b"\x01\x02")
        r = self.run_tool(f"{torn}:0:1")
        self.assertIn("not a multiple of the CIFAR-10 record size 3073", r.stderr)
        bad = os.path.join(self.dir.name, "bad.bin")
        with open(bad, "wb") as f:
            f.write(record(1, 1) + record(12, 1))
        r = self.run_tool(f"{bad}:0:2")
        self.assertIn("record 1: label 12, expected 0..9", r.stderr)
        self.assertEqual(sorted(os.listdir(self.dir.name)), ["a.bin", "b.bin", "bad.bin", "torn.bin"])


if __name__ == "__main__":
    unittest.main()
