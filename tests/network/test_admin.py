import pytest

from tests.factories import MunicipalityFactory, OrganisationFactory


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


@pytest.mark.django_db
def test_member_is_not_let_into_the_admin(member_client):
    response = member_client.get("/admin/network/municipality/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/network/user/",
        "/admin/network/municipality/",
        "/admin/network/organisation/",
        "/admin/network/municipality/add/",
        "/admin/k360/outgoingemail/",
    ],
)
def test_staff_sees_admin_screens(client, staff, url):
    MunicipalityFactory(name="Jena")
    OrganisationFactory(name="PHINEO gAG")
    client.force_login(staff)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_staff_without_totp_is_sent_to_setup_when_required(client, staff, settings):
    settings.K360_MFA_REQUIRED_FOR_STAFF = True
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == "/konto/2fa/totp/activate/"
