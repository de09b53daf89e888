#!/usr/bin/env python3
"""splice.py <results.md> <dataset> <table.md>: replaces what stands between <!-- report:<dataset>:begin --> and
<!-- report:<dataset>:end --> in results.md with table.md (written whole through a temporary file); leaves results.md
as it is when the markers are absent."""
import os
import sys

path, dataset, table = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
begin, end = f"<!-- report:{dataset}:begin -->", f"<!-- report:{dataset}:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(path + ".tmp", "w").write(head + begin + "\n" + open(table).read() + end + tail)
    os.replace(path + ".tmp", path)
