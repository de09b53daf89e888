#!/usr/bin/env python3
"""Composes the compression report of bench/report/run.sh from the files it left in the work directory.

compose.py <dataset> <work dir> <variant>...  writes <work>/report.md (the table), <work>/points.dat (every image:
bytes, accuracy, name) and <work>/front.dat (the Pareto front: no other image is at most as large and at least as
accurate, one of both strictly). Accuracy is in-scope accuracy on data with out-of-scope utterances (CLINC150), else
accuracy, on the test split."""
import json
import os
import re
import sys


def accuracy(d, early=False):
    if early:
        for key in ("early_exit_in_scope_accuracy", "early_exit_accuracy"):
            if key in d:
                return d[key]
        return None
    return d.get("in_scope_accuracy", d["accuracy"])


def section_bytes(inspect_text, section):
    """Bytes of a section in the inspect table (the first table: sections)."""
    m = re.search(r"│ " + section + r"\s+│ [0-9,]+\s+│ ([0-9,]+)", inspect_text)
    return int(m.group(1).replace(",", "")) if m else None


def m4_counts(log_text, image_name):
    m = re.search(r"instructions " + re.escape(image_name) + r": open \d+, per utterance full depth mean (\d+), "
                  r"early exit mean (\d+).*arena (\d+) bytes, image (\d+) bytes", log_text)
    s = re.search(r"summary " + re.escape(image_name) + r": (\d+) utterances, (\d+) mismatches, mean exit layer ([0-9.]+) of (\d+)",
                  log_text)
    if not m or not s:
        return None
    return {"full": int(m.group(1)), "early": int(m.group(2)), "arena": int(m.group(3)), "image": int(m.group(4)),
            "vectors": int(s.group(1)), "mismatches": int(s.group(2)), "exit_layer": s.group(3), "layers": int(s.group(4))}


def pareto(points):
    """Indices of the points no other point dominates (smaller or equal bytes and higher or equal accuracy, one strictly)."""
    front = []
    for i, (b, a) in enumerate(points):
        if not any((b2 <= b and a2 >= a) and (b2 < b or a2 > a) for j, (b2, a2) in enumerate(points) if j != i):
            front.append(i)
    return sorted(front, key=lambda i: points[i][0])


def main():
    dataset, work, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows, points, labels, missing = [], [], [], []
    for name in names:
        base = os.path.join(work, name)
        if os.path.exists(base + ".missing"):
            missing.append((name, open(base + ".missing").read().strip()))
            continue
        ev = json.load(open(base + ".eval.json"))
        fl = json.load(open(base + ".float.json"))
        inspect = open(base + ".inspect.txt").read()
        m4 = m4_counts(open(base + ".m4.log").read(), f"{dataset}_{name}")
        if m4 is None:
            sys.exit(f"bench/report: {base}.m4.log has no instruction counts for {dataset}_{name}")
        if m4["mismatches"]:
            sys.exit(f"bench/report: {name}: the Cortex-M4 run disagrees with the C# reference on {m4['mismatches']} test vectors")
        image = os.path.getsize(base + ".nimg")
        weights = sum(section_bytes(inspect, s) or 0 for s in ("LAYER", "EXIT_HEADS"))
        embeddings = section_bytes(inspect, "EMBEDDINGS")
        full, early = accuracy(ev), accuracy(ev, early=True)
        spans = re.search(r"Attention spans[^:]*: ([0-9, ]+ of \d+)", inspect)
        note = f"spans {spans.group(1)}" if spans else ""
        rows.append((name, accuracy(fl), full, early, ev.get("mean_layers"), image, embeddings, weights, m4, note))
        points.append((image, full * 100))
        labels.append(name)

    front = set(pareto(points))
    pct = lambda a: "–" if a is None else f"{a * 100:.2f} %"
    num = lambda n: "–" if n is None else f"{n:,}"
    acc_name = "in-scope accuracy" if any("in_scope_accuracy" in json.load(open(os.path.join(work, r[0] + ".eval.json"))) for r in rows) else "accuracy"
    out = [f"Test split, {acc_name}. Images packed with 32 test vectors; early exits calibrated on validation "
           "(`calibrate --max-accuracy-drop`, bench/report/variants.tsv); Cortex-M4 instructions per utterance under QEMU "
           "(netduinoplus2 TIM2, or mps2-an386 SysTick for images over its flash; `-icount shift=0`: instructions, not "
           "cycles), mean over the 32 test vectors, whose logits the C runtime reproduced bit for bit. ★ = on the Pareto "
           "front of accuracy against image bytes.", "",
           "| variant | fp32 checkpoint | image, full depth | image, early exit | mean exit layer | image bytes | embedding tables | "
           "layer + exit heads | arena bytes | M4 instructions, full depth | M4 instructions, early exit | notes |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, (name, fa, full, early, layers, image, emb, weights, m4, note) in enumerate(rows):
        star = " ★" if i in front else ""
        out.append(f"| {name}{star} | {pct(fa)} | {pct(full)} | {pct(early)} | "
                   f"{'–' if layers is None else f'{layers:.2f}'} | {num(image)} | {num(emb)} | {num(weights)} | {num(m4['arena'])} | "
                   f"{num(m4['full'])} | {num(m4['early'])} | {note} |")
    for name, where in missing:
        out.append(f"| {name} | not built: no checkpoint at `{where}` | | | | | | | | | | |")
    open(os.path.join(work, "report.md"), "w").write("\n".join(out) + "\n")
    with open(os.path.join(work, "points.dat"), "w") as f:
        for (b, a), label in zip(points, labels):
            f.write(f"{b / 1024:.1f} {a:.2f} {label}\n")
    with open(os.path.join(work, "front.dat"), "w") as f:
        for i in pareto(points):
            f.write(f"{points[i][0] / 1024:.1f} {points[i][1]:.2f}\n")


if __name__ == "__main__":
    main()
