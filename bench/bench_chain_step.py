"""One step of a marketing chain for 100,000 due participants, up to the SMS queued.

One database with ``fidelite_campaigns``; 100,000 members (SMS consent, a mobile number,
a tenth blacklisted, a tenth without consent) and their participants with a due SMS step are
inserted in SQL, with sent traces so that the pressure caps (2 messages a week, 3 SMS a year)
stop some of them. The measured call is ``scheduler.process_due``: due traces selected and
locked in SQL, consent/blacklist/caps checked in bulk, the SMS bodies rendered and queued in
``sms.sms``, the traces updated and the next step's traces inserted.

Figures:
- ``chain_step_100k_s``: seconds for the whole step (target: 60 s at most on 2 cores);
- ``chain_step_baseline_100k_s``: a bare INSERT ... SELECT of 100,000 ``sms.sms`` rows, the floor;
- ``chain_step_ratio``: the step against the baseline;
- ``chain_step_cpu_s``: CPU seconds the step used, Odoo's process plus its PostgreSQL backend
  (when the server runs on this machine): on a machine shared with other jobs, the wall time
  grows with the load, the CPU time much less.
"""

from pathlib import Path

PARTICIPANTS = 100_000
SCRIPT = Path(__file__).parent / "scripts" / "chain_step.py"


def run(ctx):
    db, _ = ctx.create_db("fidelite", ("fidelite_campaigns",))
    figures = ctx.odoo_script(db, f"PARTICIPANTS = {PARTICIPANTS}\n" + SCRIPT.read_text())
    ctx.figure("chain_step_100k_s", figures["step_s"], "s")
    ctx.figure("chain_step_baseline_100k_s", figures["baseline_s"], "s")
    ctx.figure("chain_step_ratio", figures["step_s"] / figures["baseline_s"], "x")
    ctx.figure("chain_step_sent", figures["sent"], "messages")
    if figures.get("pg_cpu_s") is not None:
        ctx.figure("chain_step_cpu_s", figures["python_cpu_s"] + figures["pg_cpu_s"], "s")
