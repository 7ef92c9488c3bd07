import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The public forms count posts per address in the cache: each test starts at zero."""
    cache.clear()
    yield
    cache.clear()
