from . import member_panel
