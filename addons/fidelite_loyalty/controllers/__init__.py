from . import partner_api
