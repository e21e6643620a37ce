from . import mailing, sms_gateway
