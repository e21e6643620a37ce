from . import channels, newsletter, pressure, purchases, reports, scheduler, steps, triggers
