"""Hypothesis strategies for fuzzing forms: hostile values for every kind of field.

A form is described as {field name: strategy of one value}; `form_data` turns that into what the
Django test client posts: each field missing, given once or repeated, plus fields nobody asked
for. Every value is a str (as a browser sends it); none contains a surrogate, which no browser
can encode in UTF-8.
"""

import string
from dataclasses import dataclass

from hypothesis import strategies as st

# Any Unicode scalar value except surrogates (category Cs): NUL and the other controls included.
_ANY_CHAR = st.characters(exclude_categories=("Cs",))

NASTY = [
    "",
    " ",
    "\t\n\r",
    "\x00",
    "a\x00b",
    "\x00" * 5,
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "\u202e",  # right-to-left override
    "ß" * 3,
    "Ä\u0308",  # combining diaeresis
    "😀",
    "\U0010ffff",
    "null",
    "None",
    "undefined",
    "0",
    "-1",
    "1e309",
    "NaN",
    "true",
    "../../etc/passwd",
    "%00",
    "%",
    "%(name)s",
    "{0}",
    "{{ 7*7 }}",
    "{% debug %}",
    "' OR 1=1 --",
    "\\",
    '"',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "**" * 50,
    "> " * 200,
    "\r\nBcc: opfer@example.org",
    "a@b",
    "@",
    "mailto:a@b.de",
]


def nasty_text(max_length: int = 200) -> st.SearchStrategy[str]:
    """Text a form must survive: empty, controls, NUL, odd Unicode, markup, and too long."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(_ANY_CHAR, max_size=40),
        st.text(string.printable, max_size=40),
        # Right at, just over and far over the limit.
        st.sampled_from([max_length, max_length + 1, 3 * max_length + 7, 100_000]).flatmap(
            lambda n: st.text(st.sampled_from("aä ß\x00\n<"), min_size=1, max_size=8).map(
                lambda chunk: (chunk * n)[:n]
            )
        ),
    )


def german_text(max_length: int = 200) -> st.SearchStrategy[str]:
    """Plausible input, so that some examples pass the validation and reach the services."""
    words = st.sampled_from(
        ["Jugendhilfe", "Planung", "Präventionskette", "Kita", "Straße", "**fett**", "Ü", "und"]
    )
    longest = st.text("aä ßK", min_size=1, max_size=5).map(
        lambda chunk: ("K" + chunk * max_length)[:max_length]
    )
    return st.one_of(
        st.lists(words, min_size=1, max_size=8).map(lambda w: " ".join(w)[:max_length]), longest
    )


@dataclass(frozen=True)
class Field:
    """What one field may hold: values a careful person would send, and hostile ones."""

    valid: st.SearchStrategy[str]
    hostile: st.SearchStrategy[str]

    def also(self, *values) -> "Field":
        """The same field, with these values among the valid ones (an existing address, …)."""
        return Field(st.one_of(self.valid, st.sampled_from(values)), self.hostile)

    @property
    def any(self) -> st.SearchStrategy[str]:
        return st.one_of(self.valid, self.hostile)


def text(max_length: int = 200) -> Field:
    return Field(german_text(max_length), nasty_text(max_length))


def email() -> Field:
    local = st.text(string.ascii_letters + string.digits + ".+-_", min_size=1, max_size=20)
    domain = st.sampled_from(["example.org", "beispiel.de", "müller.de", "localhost", "x"])
    valid = st.one_of(
        st.builds(lambda a, b: f"{a.strip('.')}@{b}" if a.strip(".") else f"x@{b}", local, domain),
        # Django's EmailValidator accepts both; a database column of 254 characters does not.
        st.sampled_from(["a" * 250 + "@example.org", "p@" + ".".join(["a" * 63] * 4) + ".de"]),
    )
    hostile = st.one_of(
        st.sampled_from(
            [
                "person@" + "a" * 300 + ".de",
                "jürgen@example.org",
                "per\x00son@example.org",
                "person@example.org\r\nBcc: x@example.org",
                " person@example.org ",
                "PERSON@EXAMPLE.ORG",
                "person@@example.org",
                "person@example..org",
                "<person@example.org>",
                '"a b"@example.org',
            ]
        ),
        nasty_text(254),
    )
    return Field(valid, hostile)


def number(low: int = 0, high: int = 100) -> Field:
    """Digits in range; out of range, far out of range and not digits at all."""
    hostile = st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(
            ["9" * 40, "-0", "+1", " 1", "1 ", "1.5", "1,5", "0x10", "١٢", "²", "1e3", "∞", "½"]
        ),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        nasty_text(20),
    )
    return Field(st.integers(low, high).map(str), hostile)


def choice(valid: list[str]) -> Field:
    """A valid choice; or one off by a little (case, spaces) or entirely."""
    valid = [str(v) for v in valid] or ["x"]
    near = st.sampled_from(valid).flatmap(
        lambda v: st.sampled_from([v.upper(), f" {v}", f"{v}\x00", v[:-1], v + v])
    )
    return Field(st.sampled_from(valid), st.one_of(near, number().any, nasty_text(50)))


def boolean() -> Field:
    return Field(
        st.sampled_from(["on", "1", "true", ""]),
        st.one_of(st.sampled_from(["True", "0", "false", "off", "yes", "nein"]), nasty_text(10)),
    )


def token() -> st.SearchStrategy[str]:
    """A path segment standing for a signed token or key: tampered, empty-ish, odd."""
    return st.one_of(
        st.text(string.ascii_letters + string.digits + ":-_.", min_size=1, max_size=120),
        st.sampled_from(["x", ":", "::", "a:b:c", "eyJ", "-", "_" * 300, "%20", "1-1", "1-x"]),
        st.text(_ANY_CHAR.filter(lambda c: c not in "/?#"), min_size=1, max_size=30),
    )


_EXTRA_NAME = st.one_of(
    st.sampled_from(
        ["id", "pk", "user", "author", "is_staff", "is_superuser", "status", "csrfmiddlewaretoken"]
    ),
    st.text(string.ascii_lowercase + "_[].", min_size=1, max_size=12),
)


def _as_field(spec) -> Field:
    return spec if isinstance(spec, Field) else Field(spec, spec)


@st.composite
def form_data(draw, fields: dict[str, "Field | st.SearchStrategy[str]"]):
    """POST or GET data for a form, in one of three shapes, a third of the time each:

    - all valid: every field once with a value its validation accepts, often the longest one;
      these get past the form to the services and the database;
    - one bad apple: the same, but one field is hostile, missing or repeated;
    - anything goes: each field missing, once or repeated, any value, and extra keys.
    """
    fields = {name: _as_field(spec) for name, spec in fields.items()}
    data: dict[str, list[str]] = {}
    shape = draw(st.sampled_from(["valid", "bad apple", "anything"])) if fields else "anything"
    if shape == "valid":
        return {name: [draw(spec.valid)] for name, spec in fields.items()}
    if shape == "bad apple":
        bad = draw(st.sampled_from(sorted(fields)))
        for name, spec in fields.items():
            if name != bad:
                data[name] = [draw(spec.valid)]
        count = draw(st.sampled_from([1, 1, 0, 2]))
        if count:
            data[bad] = [draw(fields[bad].hostile)] + [draw(fields[bad].any)] * (count - 1)
        return data
    for name, spec in fields.items():
        count = draw(st.sampled_from([1, 1, 1, 1, 0, 2]))
        if count:
            data[name] = [draw(spec.any) for _ in range(count)]
    for name in draw(st.lists(_EXTRA_NAME, max_size=3)):
        data.setdefault(name, []).append(draw(nasty_text(30)))
    return data
