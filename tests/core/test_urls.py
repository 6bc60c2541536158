from urllib.parse import urlsplit

from hypothesis import given, strategies as st

from lms.core.urls import safe_next


def test_site_paths_are_kept():
    assert safe_next("/account?tab=1", "/") == "/account?tab=1"


def test_anything_leaving_the_site_falls_back():
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)",
                   "evil.example", "/\tevil", "", None):
        assert safe_next(target, "/home") == "/home"


@given(st.text())
def test_the_result_never_names_another_host(target):
    result = safe_next(target, "/")
    parts = urlsplit(result)
    assert result.startswith("/") and not result.startswith("//")
    assert not parts.netloc and not parts.scheme and "\\" not in result
