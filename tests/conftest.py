import pytest
from django.core.cache import cache

from .factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache is the real Redis (rate limits live there): every test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, one per run: Playwright's sync API allows one at a time,
    so browser and system tests share it."""
    from .playwright_support import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def member(db):
    return UserFactory(name="Miriam Muster", email="miriam@example.org")


@pytest.fixture
def staff(db):
    return UserFactory(
        name="Stefan Staff", email="staff@example.org", is_staff=True, is_superuser=True
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
