#!/usr/bin/env python3
"""Derives models/silero/silero_vad_16k.onnx from the vendored silero_vad.onnx (needs python3-onnx).

The vendored export serves 8 and 16 kHz and any batch size through 13 `If` nodes: one on the sample
rate, the rest PyTorch's shape checks (squeeze a dim only if it is 1, state given or not). ONNX
Runtime runs every `If` branch as a subgraph, with its own bookkeeping, on each 32 ms window. Here
each `If` is replaced by the branch a 16 kHz, batch-1 stream always takes, and nodes nothing reads
any more are dropped: the same computation, node for node, without the branching (about a sixth
less CPU per window; SileroVadTest checks the two score identically).

The branch values were probed by running the export with each condition as an extra output
(batch 1, 16 kHz, state given) and are fixed below; a condition not listed fails the script.
"""
import hashlib
import sys

import onnx
from onnx import helper

SRC = "src/main/resources/models/silero/silero_vad.onnx"
DST = "src/main/resources/models/silero/silero_vad_16k.onnx"

# If-condition tensor -> the value it has for a 16 kHz, batch-1 stream with a state
BRANCH = {
    "Equal_0_C": True,  # sr == 16000
    "If_0_then_branch__Inline_0__/decoder/Equal_output_0": True,  # encoder output time dim == 1: squeeze it
    "If_0_then_branch__Inline_0__/decoder/Cast_output_0": True,  # a state was given
    "If_0_then_branch__Inline_0__/Equal_output_0": True,  # decoder output dim 1 == 1: squeeze it
    "If_0_then_branch__Inline_0__/decoder/rnn/Cast_output_0": False,  # LSTM input already batched
    "If_0_then_branch__Inline_0__/decoder/rnn/Cast_1_output_0": False,  # state already batched
    "If_0_then_branch__Inline_0__/decoder/rnn/Cast_2_output_0": False,  # outputs keep their batch dim
}


def inline(graph, node, branch):
    """Puts the branch's nodes where the If was; its outputs become the If's outputs."""
    sub = {a.name: a.g for a in node.attribute}[branch]
    at = list(graph.node).index(node)
    nodes = list(sub.node) + [helper.make_node("Identity", [b.name], [o], name=o + "/inlined")
                              for b, o in zip(sub.output, node.output)]
    del graph.node[at]
    for k, n in enumerate(nodes):
        graph.node.insert(at + k, n)


def main():
    model = onnx.load(SRC)
    g = model.graph
    while True:
        ifs = [n for n in g.node if n.op_type == "If"]
        if not ifs:
            break
        cond = ifs[0].input[0]
        if cond not in BRANCH:
            sys.exit("unexpected If condition %s: is %s the vendored export?" % (cond, SRC))
        inline(g, ifs[0], "then_branch" if BRANCH[cond] else "else_branch")
    needed = {o.name for o in g.output}
    kept = []
    for n in reversed(list(g.node)):
        if any(o in needed for o in n.output):
            kept.append(n)
            needed.update(i for i in n.input if i)
    dropped = len(g.node) - len(kept)
    del g.node[:]
    g.node.extend(reversed(kept))
    onnx.checker.check_model(model)
    onnx.save(model, DST)
    data = open(DST, "rb").read()
    print("%s: %d nodes (%d unused dropped), %d bytes, sha256 %s" % (DST, len(g.node), dropped, len(data), hashlib.sha256(data).hexdigest()))


if __name__ == "__main__":
    main()
