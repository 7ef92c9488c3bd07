"""The one declared table of who may open which URL.

Every named URL in the project must have a line here: test_access_matrix fails on a URL
that is missing, so every new view declares its access when it is written. The
accessibility test walks the same table.

Statuses are for a GET. LOGIN means "redirected to sign in". `kwargs` builds the URL's
arguments from the test's users ({"ppi", "qi", "other_qi", "board"}) and factories: when
an object belongs to a QI lead, make it belong to ctx["qi"] so the `qi` column is "their
own" (and add a separate line, or an object test, for someone else's).
"""

from collections.abc import Callable
from dataclasses import dataclass

LOGIN = "login"
ROLES = ("anon", "ppi", "qi", "board")


@dataclass(frozen=True)
class Rule:
    anon: int | str
    ppi: int
    qi: int
    board: int
    kwargs: Callable[[dict], dict] | None = None
    # Pages whose markup the accessibility test should not load (downloads, JSON).
    not_html: bool = False

    def expected(self, role: str):
        return getattr(self, role)


def everyone(status: int = 200, **extra) -> Rule:
    return Rule(anon=status, ppi=status, qi=status, board=status, **extra)


def staff(ppi: int = 200, qi: int = 200, board: int = 200, **extra) -> Rule:
    return Rule(anon=LOGIN, ppi=ppi, qi=qi, board=board, **extra)


def ppi_only(**extra) -> Rule:
    return staff(ppi=200, qi=403, board=403, **extra)


def _factories():
    from tests import factories

    return factories


def _person(ctx) -> dict:
    return {"pk": _factories().PersonFactory().pk}


def _partner(ctx) -> dict:
    return {"pk": _factories().PatientPartnerFactory().person_id}


def _organisation(ctx) -> dict:
    return {"pk": _factories().OrganisationFactory().pk}


def _round(ctx) -> dict:
    return {"pk": _factories().RecruitmentRoundFactory().pk}


PEOPLE_BANK_PAGES = [
    "person_list",
    "person_create",
    "person_import",
    "due",
    "representation",
    "reference_edit",
    "organisation_list",
    "organisation_create",
    "round_list",
    "round_create",
]
PEOPLE_BANK_PERSON_PAGES = [
    "person_detail",
    "person_edit",
    "person_status",
    "consent",
    "equality",
    "person_conversation_add",
    "partner_appoint",
    "subject_access",
    "person_erase",
]
PEOPLE_BANK_ORGANISATION_PAGES = ["organisation_detail", "organisation_edit", "contact_add", "agreement_add"]

# Namespaces with their own access rules, tested on their own.
IGNORED_NAMESPACES = {
    "admin",  # Django admin: superusers only, through its own login
}

MATRIX: dict[str, Rule] = {
    "home": staff(),
    "healthz": everyone(200, not_html=True),
    # Signed-in users are sent on from the sign-in page.
    "login": Rule(anon=200, ppi=302, qi=302, board=302),
    # Sign-out is POST only.
    "logout": Rule(anon=LOGIN, ppi=405, qi=405, board=405, not_html=True),
    "password_change": staff(),
    "password_change_done": staff(),
    "password_reset": everyone(),
    "password_reset_done": everyone(),
    "password_reset_confirm": everyone(kwargs=lambda ctx: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": everyone(),
    # Without a password step in progress, the code step sends people back to sign in.
    "two_factor_verify": Rule(anon=302, ppi=302, qi=302, board=302),
    "two_factor_setup": staff(),
    "two_factor_disable": Rule(anon=LOGIN, ppi=405, qi=405, board=405, not_html=True),
    "security_policy": ppi_only(),
    "audit_log": ppi_only(),
    # People Bank: the PPI team only (QI leads see their allocated people on their requests).
    **{f"people_bank:{name}": ppi_only() for name in PEOPLE_BANK_PAGES},
    **{f"people_bank:{name}": ppi_only(kwargs=_person) for name in PEOPLE_BANK_PERSON_PAGES},
    **{f"people_bank:{name}": ppi_only(kwargs=_partner) for name in ("partner_review", "training_add")},
    **{f"people_bank:{name}": ppi_only(kwargs=_organisation) for name in PEOPLE_BANK_ORGANISATION_PAGES},
    "people_bank:person_export": ppi_only(not_html=True),
    "people_bank:subject_access_json": ppi_only(kwargs=_person, not_html=True),
    "people_bank:organisation_conversation_add": ppi_only(
        kwargs=lambda ctx: {"org": _organisation(ctx)["pk"]}
    ),
    "people_bank:round_detail": ppi_only(kwargs=_round),
    "people_bank:application_add": ppi_only(kwargs=_round),
    "people_bank:application_detail": ppi_only(
        kwargs=lambda ctx: {"pk": _factories().ApplicationFactory().pk}
    ),
    # POST-only actions.
    "people_bank:improver_confirm": staff(ppi=405, qi=403, board=403, kwargs=_person, not_html=True),
    "people_bank:follow_up_done": staff(
        ppi=405,
        qi=403,
        board=403,
        kwargs=lambda ctx: {"pk": _factories().ConversationFactory().pk},
        not_html=True,
    ),
    # Public: no sign-in.
    "people_bank:improver_sign_up": everyone(),
    "people_bank:improver_thanks": everyone(),
    "people_bank:partner_apply": everyone(kwargs=_round),
    "people_bank:partner_thanks": everyone(),
}


# --- Patient Involvement Requests ---------------------------------------------------
def _qi_request(ctx, **fields) -> dict:
    """A request of ctx["qi"]'s (their own), as the URL's pk."""
    from tests.factories import InvolvementRequestFactory

    return {"pk": InvolvementRequestFactory(submitted_by=ctx["qi"], complete=True, **fields).pk}


def _rung(ctx) -> dict:
    from involvement_requests.models import Rung
    from tests.factories import default_ladder

    default_ladder()
    return {"pk": Rung.objects.order_by("order").first().pk}


MATRIX.update(
    {
        # PPI team members are sent on to their queue.
        "involvement_requests:list": staff(ppi=302, qi=200, board=403),
        "involvement_requests:create": staff(ppi=200, qi=200, board=403),
        "involvement_requests:queue": ppi_only(),
        "involvement_requests:detail": staff(ppi=200, qi=200, board=403, kwargs=_qi_request),
        "involvement_requests:edit": staff(ppi=200, qi=200, board=403, kwargs=_qi_request),
        "involvement_requests:assess": ppi_only(kwargs=lambda ctx: _qi_request(ctx, status="in_assessment")),
        "involvement_requests:decline": ppi_only(kwargs=lambda ctx: _qi_request(ctx, status="in_assessment")),
        "involvement_requests:close": ppi_only(kwargs=lambda ctx: _qi_request(ctx, status="evaluation")),
        "involvement_requests:withdraw": staff(ppi=200, qi=200, board=403, kwargs=_qi_request),
        # Status moves are POST only.
        "involvement_requests:move": staff(
            ppi=405,
            qi=405,
            board=403,
            not_html=True,
            kwargs=lambda ctx: {**_qi_request(ctx), "action": "submit"},
        ),
        "involvement_requests:bulletin": everyone(),
        "involvement_requests:reference": ppi_only(),
        "involvement_requests:rung_delete": staff(ppi=405, qi=403, board=403, not_html=True, kwargs=_rung),
        # One add and one change page for each list; tests/involvement_requests covers every kind.
        "involvement_requests:reference_add": ppi_only(kwargs=lambda ctx: {"kind": "services"}),
        "involvement_requests:reference_edit": ppi_only(kwargs=lambda ctx: {"kind": "rungs", **_rung(ctx)}),
    }
)


# --- Board report (outcomes) ---------------------------------------------------------
def _report(status: str = "published") -> dict:
    from tests.factories import ReportVersionFactory

    version = ReportVersionFactory(status=status)
    return {"quarter": version.quarter, "number": version.number}


MATRIX.update(
    {
        "outcomes:report_index": staff(ppi=200, qi=403, board=200),
        "outcomes:report_request": Rule(anon=LOGIN, ppi=405, qi=403, board=403, not_html=True),
        "outcomes:report_status": staff(
            ppi=200, qi=403, board=403, kwargs=lambda ctx: _report(status="done")
        ),
        "outcomes:report_publish": Rule(
            anon=LOGIN, ppi=405, qi=403, board=403, not_html=True, kwargs=lambda ctx: _report(status="done")
        ),
        "outcomes:report_download": staff(
            ppi=200, qi=403, board=200, not_html=True, kwargs=lambda ctx: _report()
        ),
        "outcomes:report_appendix": staff(
            ppi=200, qi=403, board=200, not_html=True, kwargs=lambda ctx: _report()
        ),
    }
)


# --- Payments (sessions, expenses, finance export) -------------------------------------------
def _payment_session(ctx) -> dict:
    return {"pk": _factories().PaymentSessionFactory().pk}


def _claim(ctx) -> dict:
    return {"pk": _factories().ExpenseClaimFactory().pk}


def _export(ctx) -> dict:
    return {"period": f"{_factories().FinanceExportFactory().period:%Y-%m}"}


def _payments_post_only(**extra) -> Rule:
    return staff(ppi=405, qi=403, board=403, not_html=True, **extra)


# --- Matching, allocation and invitations (involvement requests) ---------------------
def _accepted(ctx) -> dict:
    return _qi_request(ctx, status="accepted")


def _invitation(ctx) -> dict:
    from tests.factories import InvitationFactory

    request = _accepted(ctx)["pk"]
    return {"pk": request, "invitation": InvitationFactory(request_id=request).pk}


def _invitation_link(ctx) -> dict:
    from tests.factories import invitation_with_link

    _invitation, token = invitation_with_link()
    return {"token": token}


MATRIX.update(
    {
        **{
            f"people_bank:payments:{name}": ppi_only()
            for name in ("index", "session_bulk", "claim_list", "export_list", "rates")
        },
        **{
            f"people_bank:payments:{name}": ppi_only(kwargs=_partner)
            for name in ("person", "payment_choice", "statement", "claim_create")
        },
        "people_bank:payments:statement_pdf": ppi_only(kwargs=_partner, not_html=True),
        "people_bank:payments:session_detail": ppi_only(kwargs=_payment_session),
        "people_bank:payments:session_cancel": _payments_post_only(kwargs=_payment_session),
        "people_bank:payments:claim_detail": ppi_only(kwargs=_claim),
        **{
            f"people_bank:payments:{name}": _payments_post_only(kwargs=_claim)
            for name in (
                "claim_line_add",
                "receipt_upload",
                "claim_approve",
                "claim_reject",
                "claim_paid",
                "claim_reverse",
            )
        },
        "people_bank:payments:claim_line_remove": _payments_post_only(
            kwargs=lambda ctx: (lambda claim: {"pk": claim.pk, "line": claim.lines.first().pk})(
                _factories().ExpenseClaimFactory()
            )
        ),
        "people_bank:payments:receipt_download": ppi_only(
            not_html=True, kwargs=lambda ctx: {"pk": _factories().ReceiptFactory().pk}
        ),
        "people_bank:payments:month": ppi_only(kwargs=lambda ctx: {"period": "2026-01"}),
        "people_bank:payments:export_download": ppi_only(not_html=True, kwargs=_export),
        "involvement_requests:match": ppi_only(kwargs=_accepted),
        "involvement_requests:people": ppi_only(kwargs=_accepted),
        "involvement_requests:allocate": ppi_only(kwargs=_accepted),
        "involvement_requests:invite_organisations": ppi_only(kwargs=_accepted),
        # POST only.
        "involvement_requests:invite": staff(ppi=405, qi=403, board=403, not_html=True, kwargs=_accepted),
        "involvement_requests:invitation_remind": staff(
            ppi=405, qi=403, board=403, not_html=True, kwargs=_invitation
        ),
        # Public: the personal link emailed to a Hospital Improver, and the thank-you page.
        "involvement_requests:invitation_respond": everyone(kwargs=_invitation_link),
        "involvement_requests:invitation_done": everyone(kwargs=lambda ctx: {"answer": "accepted"}),
    }
)


# --- Outcomes: activities, "you said, we did", evaluations, case studies ---------------
def _activity(ctx) -> dict:
    return {"pk": _factories().ActivityFactory().pk}


def _qi_suggestion(ctx) -> dict:
    request = _factories().InvolvementRequestFactory(submitted_by=ctx["qi"], complete=True, status="active")
    return {"pk": _factories().SuggestionFactory(activity=None, request=request).pk}


def _case_study(ctx, status: str = "published") -> dict:
    f = _factories()
    request = f.InvolvementRequestFactory(submitted_by=ctx["qi"], complete=True, status="evaluation")
    return {"pk": f.CaseStudyFactory(request=request, status=status).pk}


def _evaluation_link(ctx) -> dict:
    from django.utils import timezone

    from outcomes import services

    activity = _factories().ActivityFactory()
    person = _factories().PersonFactory()
    activity.attendees.add(person)
    _invite, token = services.evaluation_invite_issue(
        person=person, now=timezone.now(), kind="activity", activity=activity
    )
    return {"token": token}


OUTCOME_ACTIVITY_PAGES = [
    "activity_detail",
    "activity_edit",
    "activity_attendees",
    "activity_suggestion_add",
    "activity_feedback",
    "activity_letters",
]
OUTCOME_REQUEST_PAGES = [
    "request_outcomes",
    "request_outcome_record",
    "request_suggestion_add",
    "request_feedback",
    "case_study_create",
]

MATRIX.update(
    {
        "outcomes:outcomes_page": staff(),
        "outcomes:activity_list": ppi_only(),
        "outcomes:activity_create": ppi_only(),
        **{f"outcomes:{name}": ppi_only(kwargs=_activity) for name in OUTCOME_ACTIVITY_PAGES},
        "outcomes:activity_held": staff(ppi=405, qi=403, board=403, not_html=True, kwargs=_activity),
        "outcomes:priority_group_list": ppi_only(),
        "outcomes:priority_group_add": ppi_only(),
        "outcomes:priority_group_edit": ppi_only(
            kwargs=lambda ctx: {"pk": _factories().PriorityGroupFactory().pk}
        ),
        # QI leads: their own requests' outcomes (tests/outcomes covers someone else's).
        **{
            f"outcomes:{name}": staff(
                ppi=200, qi=200, board=403, kwargs=lambda ctx: _qi_request(ctx, status="active")
            )
            for name in OUTCOME_REQUEST_PAGES
        },
        "outcomes:feedback_letters": ppi_only(
            kwargs=lambda ctx: {"pk": _factories().FeedbackUpdateFactory().pk}
        ),
        "outcomes:suggestion_list": staff(ppi=200, qi=200, board=403),
        "outcomes:suggestion_detail": staff(ppi=200, qi=200, board=403, kwargs=_qi_suggestion),
        # Board members see published case studies only.
        "outcomes:case_study_list": staff(),
        "outcomes:case_study_detail": staff(kwargs=_case_study),
        "outcomes:case_study_edit": staff(ppi=200, qi=302, board=403, kwargs=_case_study),
        "outcomes:case_study_move": staff(
            ppi=405,
            qi=403,
            board=403,
            not_html=True,
            kwargs=lambda ctx: {**_case_study(ctx), "action": "publish"},
        ),
        # Evaluation forms: no sign-in, a personal link.
        "outcomes:evaluate": everyone(kwargs=_evaluation_link),
        "outcomes:evaluate_thanks": everyone(),
    }
)
