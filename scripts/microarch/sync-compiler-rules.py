#!/usr/bin/env python3
"""Rewrites the compiler rules (`c` lines) of the built-in microarchitecture
tables (sdk/src/microarch/tables/*_table.cpp) from archspec's
microarchitectures.json, so the built-in table gives archspec's answer for
every target, compiler and version. Targets, parents, vendors and features
are left as they are; tests/unit/sdk/microarch/builtin_table_vs_archspec_test
checks the result against the same file.

    scripts/microarch/sync-compiler-rules.py ../shared/fixtures/microarch/microarchitectures.json
"""
import json
import pathlib
import sys


def rule_lines(compiler, rules):
    if not rules:
        return [f"c {compiler}"]
    out = []
    for r in rules:
        fields = [compiler, r.get("versions", ""), r.get("name", ""), r.get("flags", "")]
        if r.get("warnings"):
            fields.append(r["warnings"])
        for f in fields:
            if "|" in f or "\n" in f:
                sys.exit(f"{compiler}: a field holds '|' or a newline, which the table format cannot say: {f!r}")
        out.append("c " + " | ".join(fields).rstrip())
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    targets = json.loads(pathlib.Path(sys.argv[1]).read_text())["microarchitectures"]
    # The table has no field for a rule's "family": {family} becomes the
    # target's own family, which is what archspec's rules name wherever they
    # set one (power8le..power10le: ppc64le; arm: arm).
    tables = sorted((pathlib.Path(__file__).resolve().parents[2] / "sdk/src/microarch/tables").glob("*_table.cpp"))
    seen = set()
    for table in tables:
        out, current, emitted, block_end = [], None, False, 0

        def flush():
            # A target whose rules were not written in place of its old ones
            # (it had none): after its last line.
            if current in targets and not emitted:
                rules = [l for c, r in targets[current].get("compilers", {}).items() for l in rule_lines(c, r)]
                out[block_end:block_end] = rules

        for line in table.read_text().split("\n"):
            if line.startswith("@ ") or line.startswith(")uarch"):
                flush()
                current, emitted = (line[2:].split("|")[0].strip(), False) if line.startswith("@ ") else (None, False)
                if current:
                    seen.add(current)
                out.append(line)
                block_end = len(out)
                continue
            if line.startswith("c ") and current in targets:
                if not emitted:
                    for compiler, rules in targets[current].get("compilers", {}).items():
                        out.extend(rule_lines(compiler, rules))
                    emitted = True
                    block_end = len(out)
                continue  # the old rules are replaced
            out.append(line)
            if current and line.strip() and not line.startswith("#"):
                block_end = len(out)
        flush()
        table.write_text("\n".join(out))
    missing = sorted(set(targets) - seen)
    if missing:
        print("not in the built-in tables (add them by hand):", ", ".join(missing), file=sys.stderr)


if __name__ == "__main__":
    main()
