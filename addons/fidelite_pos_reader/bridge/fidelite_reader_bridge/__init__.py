"""Fidélité card reader bridge: PC/SC readers (pyscard) to the Odoo Point of Sale of this till."""

__version__ = "19.0.1.0.0"
