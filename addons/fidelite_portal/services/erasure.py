"""The right to be forgotten: a member's personal data goes, their loyalty figures stay.

Cards and points movements are kept (the ledger is append-only and the program's totals must
not change); they keep pointing at the same contact, whose name becomes an anonymous label.
"""

PERSONAL_FIELDS = (
    "email",
    "phone",
    "street",
    "street2",
    "zip",
    "city",
    "vat",
    "website",
    "function",
    "comment",
    "birthdate",
    "ref",
)


def anonymise(partner):
    env = partner.env
    partner = partner.sudo().with_context(active_test=False)
    label = env._("Anonymised member %s", partner.fidelite_member_number or partner.id)
    partner.fidelite_dependant_ids.unlink()
    for user in partner.user_ids:
        user.write({"login": f"anonymised-{user.id}", "active": False})
    values = {name: False for name in PERSONAL_FIELDS if name in partner._fields}
    values.update(
        {
            "name": label,
            "image_1920": False,
            "state_id": False,
            "fidelite_referral_code": False,
        }
    )
    partner.write(values)
    partner.message_post(body=env._("Personal data erased at the member's request; cards and points kept."))
    return partner
