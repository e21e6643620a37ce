"""Time to evaluate a program's bonus rules for one order, as the server does when it settles it.

One database with ``fidelite_loyalty``; a program with 20 active bonus rules that mix order,
tier, time, special-date and member-figure conditions (windows of 7 to 365 days), 2,000
members with a year of daily purchase figures each (730,000 rows of ``fidelite.member.day``),
then 500 evaluations for random members, the ORM cache emptied before each.

Figures (medians, milliseconds):
- ``rule_eval_ms``: the 20 rules for one order (target: 20 ms at most);
- ``rule_eval_points_ms``: the program's own earning rules for the same order (the baseline);
- ``rule_eval_ratio``: the first against the second.
"""

from pathlib import Path

SCRIPTS = Path(__file__).parent / "scripts"


def run(ctx):
    db, _ = ctx.create_db("fidelite", ("fidelite_loyalty",))
    figures = ctx.odoo_script(db, (SCRIPTS / "shop.py").read_text() + "\n" + (SCRIPTS / "rule_eval.py").read_text())
    ctx.figure("rule_eval_ms", figures["rules_ms"], "ms")
    ctx.figure("rule_eval_points_ms", figures["points_ms"], "ms")
    ctx.figure("rule_eval_ratio", figures["rules_ms"] / figures["points_ms"], "x")
