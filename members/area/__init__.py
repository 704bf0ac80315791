"""The member area (IOK) zones: dashboard, ledgers, loans, meters, membership,
contact data, payments, discrepancy reports, notices and the resident's own
data. Views here are thin: they authorise, call ``queries``/``services`` and
render ``members/templates/members/area/``."""
