"""Prints, as JSON, each Python file's module docstring and string constants, read by Python's own
parser (ast): {file name: {"doc": str | null, "strings": [str, ...]}}. Usage: literal_report.py FOLDER
"""
import ast
import json
import os
import sys

report = {}
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    if not name.endswith(".py"):
        continue
    with open(os.path.join(folder, name), encoding="utf-8") as source:
        tree = ast.parse(source.read(), filename=name)
    strings = [node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    report[name] = {"doc": ast.get_docstring(tree, clean=False), "strings": strings}
# surrogatepass: a lone surrogate in a literal must show up, not crash the report
sys.stdout.buffer.write(json.dumps(report, ensure_ascii=True).encode("ascii"))
