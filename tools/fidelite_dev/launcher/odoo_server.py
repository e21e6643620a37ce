"""Odoo's command line as a script file, for servers started with ``--workers``.

A multi-process Odoo starts its WebSocket (gevent) process again as ``python <argv[0]> gevent``;
under ``python -m odoo`` that ``argv[0]`` is ``odoo/__main__.py``, which cannot run as a script,
so the gevent process would fail and be started again every second. This file can. It lives
alone in its folder because a script's folder comes first on ``sys.path``.
"""

from odoo.cli.command import main

if __name__ == "__main__":
    main()
