import os
import shutil

import pytest
from django.core.cache import cache
from django.test import Client

from ppe.access import Role
from tests.factories import UserFactory

STAFF_PASSWORD = "correct horse battery"

# Browser tests need Debian's Chromium; worker tests need REDIS_URL. On a plain laptop
# they skip and say why; CI sets PPE_REQUIRE_BROWSER / PPE_REQUIRE_BROKER so that a
# missing browser or broker fails instead.
CHROMIUM = os.environ.get("PPE_CHROMIUM", "/usr/bin/chromium")


def _require(flag: str) -> bool:
    return os.environ.get(flag, "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    browser_missing = not (os.path.exists(CHROMIUM) or shutil.which("chromium"))
    broker_missing = not os.environ.get("REDIS_URL")
    for item in items:
        if "browser" in item.keywords and browser_missing:
            if _require("PPE_REQUIRE_BROWSER"):
                raise pytest.UsageError(f"PPE_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
            item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium"))
        if "worker" in item.keywords and broker_missing:
            if _require("PPE_REQUIRE_BROKER"):
                raise pytest.UsageError("PPE_REQUIRE_BROKER is set but REDIS_URL is not")
            item.add_marker(pytest.mark.skip(reason="REDIS_URL is not set: no broker for a real worker"))


@pytest.fixture(autouse=True)
def fresh_cache():
    """The public forms count posts per address in the cache (shared with the live server's
    thread): every test starts from zero, whichever test posted before it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ppi_user(db):
    return UserFactory(username="ppi.member", role=Role.PPI_TEAM)


@pytest.fixture
def qi_user(db):
    return UserFactory(username="qi.lead", role=Role.QI_LEAD)


@pytest.fixture
def other_qi_user(db):
    return UserFactory(username="qi.other", role=Role.QI_LEAD)


@pytest.fixture
def board_user(db):
    return UserFactory(username="board.member", role=Role.BOARD)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ppi_client(ppi_user):
    return _client_for(ppi_user)


@pytest.fixture
def qi_client(qi_user):
    return _client_for(qi_user)


@pytest.fixture
def board_client(board_user):
    return _client_for(board_user)


@pytest.fixture
def role_users(ppi_user, qi_user, board_user):
    return {"ppi": ppi_user, "qi": qi_user, "board": board_user}
