"""The programme's resources on the API: the task force, the RAD KLA, partners, AFSE events
and children's participation, one module each.

Every read goes through the apps' ``for_user`` querysets (404 outside the reach, 403 for a write
the role does not carry) and every write through the apps' action functions, so the same rules
and the same audit entries apply as on the web pages. Registered on the API in
``layak.api.api``.
"""

from ninja import Router

from layak.api.programme import afse, participation, partners, plans, taskforce

router = Router()
for module in (taskforce, plans, partners, afse, participation):
    router.add_router("", module.router)
