"""The shared parts of the permission matrices: a matrix row says, per role, what a GET answers."""

LOGIN = "login"  # a redirect to the login page


def cases(matrix, roles) -> list[tuple[str, str, object]]:
    """(url, role, expected) for every row and role, for pytest.mark.parametrize."""
    return [(url, role, expected[role]) for url, expected in matrix for role in roles]


def assert_answer(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, url
        assert "/login/" in response.url, response.url
    else:
        assert response.status_code == expected, url
