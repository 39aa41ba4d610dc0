import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from network.models import Municipality
from tests.factories import MunicipalityFactory, UserFactory


@pytest.mark.django_db
def test_ags_must_match_the_bundesland():
    municipality = MunicipalityFactory.build(ags="09161000", bundesland="05")
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "passen nicht zum Bundesland Nordrhein-Westfalen" in str(error.value)


@pytest.mark.django_db
@pytest.mark.parametrize("ags", ["0511900", "051190001", "05A19000"])
def test_ags_has_eight_digits(ags):
    municipality = MunicipalityFactory.build(ags=ags, bundesland="05")
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "8 Ziffern" in str(error.value)


@pytest.mark.django_db
def test_ags_constraint_in_the_database():
    with pytest.raises(IntegrityError):
        Municipality.objects.create(
            name="Falsch",
            slug="falsch",
            kind="landkreis",
            bundesland="05",
            ags="123",
            latitude=51,
            longitude=7,
        )


@pytest.mark.django_db
def test_coordinates_must_lie_in_germany():
    municipality = MunicipalityFactory.build(latitude="40.0", longitude="2.0")
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "latitude" in error.value.message_dict
    assert "longitude" in error.value.message_dict


@pytest.mark.django_db
def test_email_is_unique_regardless_of_case():
    UserFactory(email="a.b@example.org")
    with pytest.raises(IntegrityError):
        UserFactory.create(email="A.B@example.org", verified=False)
