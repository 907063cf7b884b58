"""Notices made through the producers' one entry point (services.notify), about a case
(subject ``cases.case``: shown while the recipient may see the case)."""

from datetime import date

from maatwerk.notices.models import Kind
from maatwerk.notices.policy import CASE
from maatwerk.notices.services import notify


def case_notice(case, recipients, *, kind=Kind.MEETING_PLANNED, n=1, actor=None):
    return notify(
        kind=kind,
        recipients=recipients,
        case=case,
        subject=CASE,
        object_id=case.pk,
        key=f"{kind}:test:{case.pk}:{n}",
        facts={"household": case.household.pseudonym, "date": date(2027, 3, 11)},
        url_name="cases:case_detail",
        url_args=[case.pk],
        actor=actor,
    )
