"""Every page about one request, opened by a QI lead it does not belong to."""

import pytest
from django.test import Client
from django.urls import reverse

from involvement_requests.models import InvolvementRequest, RequestStatusChange
from tests.access_matrix import MATRIX
from tests.factories import InvitationFactory, InvolvementRequestFactory

pytestmark = pytest.mark.django_db

REQUEST_PAGES = sorted(
    name
    for name in MATRIX
    if name.startswith("involvement_requests:")
    and name.split(":")[1]
    not in {"list", "create", "queue", "bulletin", "invitation_respond", "invitation_done"}
    and not name.split(":")[1].startswith(("reference", "rung"))
)


def test_the_list_of_request_pages_is_the_one_expected():
    expected = [
        "allocate",
        "assess",
        "close",
        "decline",
        "detail",
        "edit",
        "invitation_remind",
        "invite",
        "invite_organisations",
        "match",
        "move",
        "people",
        "withdraw",
    ]
    assert REQUEST_PAGES == [f"involvement_requests:{name}" for name in expected]


@pytest.mark.parametrize("url_name", REQUEST_PAGES)
def test_another_qi_leads_request_is_not_there_for_them(url_name, qi_user, other_qi_user):
    theirs = InvolvementRequestFactory(submitted_by=other_qi_user, complete=True)
    kwargs = {"pk": theirs.pk, **({"action": "submit"} if url_name.endswith(":move") else {})}
    if url_name.endswith(":invitation_remind"):
        kwargs["invitation"] = InvitationFactory(request=theirs).pk
    url = reverse(url_name, kwargs=kwargs)
    client = Client()
    client.force_login(qi_user)
    # PPI-only pages refuse every QI lead (403); their own-request pages pretend it is not there (404).
    expected = MATRIX[url_name].qi if MATRIX[url_name].qi == 403 else 404
    # A move is POST only: a GET is refused before anything is looked up.
    assert client.get(url).status_code == (405 if MATRIX[url_name].qi == 405 else expected)
    assert (
        client.post(url, {"title": "Taken over", "note": "x", "reason": "x", "status": "draft"}).status_code
        == expected
    )
    after = InvolvementRequest.objects.get(pk=theirs.pk)
    assert (after.status, after.title) == (theirs.status, theirs.title)
    assert not RequestStatusChange.objects.filter(request=theirs).exists()
