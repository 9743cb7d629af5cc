"""Run the explorers' JavaScript modules in Node.js from the tests: one process, many calls."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

# One Node process answers every call: a line of JSON {"fn", "args"} in, the result out.
# `fn` names an export of the module, or a helper the test defines in `helpers`. JSON has
# no NaN or Infinity: the strings "NaN", "Infinity" and "-Infinity" stand for them.
SERVER = """
import * as math from %s;
import readline from "node:readline";
const helpers = (() => { %s; return typeof HELPERS === "undefined" ? {} : HELPERS; })();
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const special = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
  const revive = (key, value) => (Object.hasOwn(special, value) ? special[value] : value);
  const { fn, args } = JSON.parse(line, revive);
  const result = (helpers[fn] ?? math[fn])(...args);
  const plain = (key, value) => (ArrayBuffer.isView(value) ? Array.from(value) : value);
  process.stdout.write(JSON.stringify(result === undefined ? null : result, plain) + "\\n");
});
"""


class Node:
    """``Node(module, folder)("fn", *args)`` calls the module's export ``fn`` in Node.

    ``module`` is copied into ``folder`` as an ``.mjs`` file (an ES module to Node).
    ``helpers`` is JavaScript that may define ``const HELPERS = {name: function}``,
    with the module's exports in scope as ``math``.
    """

    def __init__(self, module: Path, folder: Path, helpers: str = ""):
        node = shutil.which("node")
        if node is None:
            pytest.fail("Node.js is needed to run the explorers' JavaScript (.ci/run installs it)")
        copy = folder / (module.stem + ".mjs")
        shutil.copyfile(module, copy)
        for data in module.parent.glob("*.json"):  # what it may import beside it
            shutil.copyfile(data, folder / data.name)
        self.process = subprocess.Popen(
            [node, "--input-type=module", "-e", SERVER % (json.dumps(copy.as_uri()), helpers)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, fn, *args):
        self.process.stdin.write(json.dumps({"fn": fn, "args": args}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"Node stopped while running {fn} (see its error above)")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.stdout.close()
        self.process.wait(timeout=10)
