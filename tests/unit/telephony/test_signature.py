"""X-Twilio-Signature: Twilio's published vectors, the reference library's URL variants."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from voice_agent.telephony.signature import compute_signature, url_variants, valid_signature

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"


def _params(number: str) -> list[tuple[str, str]]:
    # Deliberately not in sorted order: the signature sorts them.
    return [
        ("To", "+18005551212"),
        ("Digits", "1234"),
        ("From", number),
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", number),
    ]


# twilio/twilio-python tests/unit/test_request_validator.py (also twilio-php's docs).
PARAMS = _params("+14158675309")
EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def _reference(url: str, fields: dict[str, list[str]], token: str) -> str:
    """Written apart from the module: the algorithm as Twilio's docs state it."""
    data = url
    for name in sorted(fields):
        for value in sorted(set(fields[name])):
            data += name + value
    mac = hmac.new(token.encode(), data.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # twilio-python's own test vector.
        ("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        # The worked example of Twilio's request-validation page (as cited by many users).
        ("+12349013030", "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
        # The same example with +14158675310, the vector this project was briefed with.
        ("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc="),
    ],
)
def test_published_vectors(number: str, expected: str) -> None:
    params = _params(number)
    assert compute_signature(URL, params, TOKEN) == expected
    assert valid_signature(URL, params, expected, TOKEN)
    fields = {name: [value] for name, value in params}
    assert _reference(URL, fields, TOKEN) == expected


def test_the_signed_string_is_url_then_sorted_name_value_pairs() -> None:
    data = (
        URL
        + "CallSidCA1234567890ABCDE"
        + "Caller+14158675309"
        + "Digits1234"
        + "From+14158675309"
        + "To+18005551212"
    )
    mac = base64.b64encode(hmac.new(b"12345", data.encode(), hashlib.sha1).digest()).decode()
    assert mac == EXPECTED


def test_parameter_order_does_not_matter() -> None:
    assert compute_signature(URL, list(reversed(PARAMS)), TOKEN) == EXPECTED
    assert compute_signature(URL, sorted(PARAMS), TOKEN) == EXPECTED


def test_no_params_signs_the_url_alone() -> None:
    expected = base64.b64encode(hmac.new(b"12345", URL.encode(), hashlib.sha1).digest()).decode()
    assert compute_signature(URL, [], TOKEN) == expected
    assert valid_signature(URL, [], expected, TOKEN)


def test_repeated_names_follow_the_reference_library() -> None:
    # twilio-python test_compute_signature_duplicate_multi_dict: names sorted, each name's
    # values sorted and de-duplicated.
    params = [
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
        ("Digits", "1234"),
    ]
    assert compute_signature(URL, params, TOKEN) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    fields = {"Sid": ["CA123"], "SidAccount": ["AC123"], "Digits": ["5678", "1234", "1234"]}
    assert _reference(URL, fields, TOKEN) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    # Dropping the duplicate pair changes nothing; signing it twice would.
    assert compute_signature(URL, params[:-1], TOKEN) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    twice = URL + "Digits1234" + "Digits1234" + "Digits5678" + "SidCA123" + "SidAccountAC123"
    digest = hmac.new(b"12345", twice.encode(), hashlib.sha1).digest()
    assert base64.b64encode(digest).decode() == "tM//N+MVWOh7+ol2z8YCNxSY0Eg="
    assert not valid_signature(URL, params, "tM//N+MVWOh7+ol2z8YCNxSY0Eg=", TOKEN)


def test_name_sorting_is_by_code_point_not_by_pair() -> None:
    # "Sid" < "SidAccount": the name alone decides, so "Sid" + "Z" comes before "SidAccount".
    a = compute_signature(URL, [("SidAccount", "A"), ("Sid", "Z")], TOKEN)
    data = URL + "SidZ" + "SidAccountA"
    assert a == base64.b64encode(hmac.new(b"12345", data.encode(), hashlib.sha1).digest()).decode()


def test_missing_or_empty_signature_is_invalid() -> None:
    assert not valid_signature(URL, PARAMS, None, TOKEN)
    assert not valid_signature(URL, PARAMS, "", TOKEN)


def test_empty_auth_token_never_validates() -> None:
    forged = compute_signature(URL, PARAMS, "")
    assert not valid_signature(URL, PARAMS, forged, "")


@pytest.mark.parametrize(
    "signature",
    [
        "RSOYDt4T1cUTdK1PDd93/VVr8B8",  # one character short
        "RSOYDt4T1cUTdK1PDd93/VVr8B9=",  # one character changed
        "rsoydt4t1cutdk1pdd93/vvr8b8=",  # case matters
        EXPECTED + "=",
        "not base64 at all ✓",
    ],
)
def test_forged_signatures_are_invalid(signature: str) -> None:
    assert not valid_signature(URL, PARAMS, signature, TOKEN)


def test_wrong_token_is_invalid() -> None:
    assert not valid_signature(URL, PARAMS, EXPECTED, "54321")


def test_tampered_params_are_invalid() -> None:
    tampered = [(name, "9999" if name == "Digits" else value) for name, value in PARAMS]
    assert not valid_signature(URL, tampered, EXPECTED, TOKEN)
    assert not valid_signature(URL, [*PARAMS, ("Extra", "1")], EXPECTED, TOKEN)
    assert not valid_signature(URL, PARAMS[1:], EXPECTED, TOKEN)


@pytest.mark.parametrize(
    "other_url",
    [
        "https://mycompany.com/myapp.php?foo=1&bar=3",
        "https://mycompany.com/myapp.php?bar=2&foo=1",
        "https://mycompany.com/myapp.php",
        "https://evil.example/myapp.php?foo=1&bar=2",
        "http://mycompany.com/myapp.php?foo=1&bar=2",
        "https://mycompany.com/other.php?foo=1&bar=2",
    ],
)
def test_signed_for_another_url_is_invalid(other_url: str) -> None:
    assert not valid_signature(other_url, PARAMS, EXPECTED, TOKEN)


# twilio-python: the validator checks the URL both with and without its port.


def test_https_url_with_a_port_validates_a_signature_over_the_url_without_it() -> None:
    url = URL.replace(".com", ".com:1234")
    assert valid_signature(url, PARAMS, EXPECTED, TOKEN)


def test_http_url_with_a_port_validates_a_signature_over_itself() -> None:
    url = URL.replace(".com", ".com:1234").replace("https", "http")
    assert valid_signature(url, PARAMS, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", TOKEN)


def test_https_url_without_a_port_validates_a_signature_over_port_443() -> None:
    assert valid_signature(URL, PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w=", TOKEN)
    assert compute_signature(URL.replace(".com", ".com:443"), PARAMS, TOKEN) == (
        "kvajT1Ptam85bY51eRf/AJRuM3w="
    )


def test_http_url_without_a_port_validates_a_signature_over_port_80() -> None:
    url = URL.replace("https", "http")
    assert valid_signature(url, PARAMS, "0ZXoZLH/DfblKGATFgpif+LLRf4=", TOKEN)


def test_a_non_default_port_is_not_invented() -> None:
    signature = compute_signature(URL.replace(".com", ".com:8443"), PARAMS, TOKEN)
    assert not valid_signature(URL, PARAMS, signature, TOKEN)


@pytest.mark.parametrize(
    ("url", "variants"),
    [
        (URL, (URL, "https://mycompany.com:443/myapp.php?foo=1&bar=2")),
        (
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            (URL, "https://mycompany.com:443/myapp.php?foo=1&bar=2"),
        ),
        ("http://a.example/x", ("http://a.example/x", "http://a.example:80/x")),
        ("wss://a.example/stream", ("wss://a.example/stream", "wss://a.example:443/stream")),
        ("ws://a.example:8080/s", ("ws://a.example/s", "ws://a.example:8080/s")),
        (
            "https://user:pw@a.example:8443/p?q=1#f",
            ("https://user:pw@a.example/p?q=1#f", "https://user:pw@a.example:8443/p?q=1#f"),
        ),
        ("https://[::1]:8443/p", ("https://[::1]/p", "https://[::1]:8443/p")),
        ("https://[::1]/p", ("https://[::1]/p", "https://[::1]:443/p")),
        # Kept byte for byte (no normalisation of case, empty query, trailing "?").
        ("HTTPS://Example.COM/A?", ("HTTPS://Example.COM/A?", "HTTPS://Example.COM:443/A?")),
        ("ftp://a.example/x", ("ftp://a.example/x",)),
        ("not a url", ("not a url",)),
        ("https://a.example:notaport/x", ("https://a.example:notaport/x",)),
        ("", ("",)),
    ],
)
def test_url_variants(url: str, variants: tuple[str, ...]) -> None:
    assert url_variants(url) == variants


def test_hostile_strings_do_not_raise() -> None:
    assert not valid_signature("https://a\ud800.example/", [("a\udfff", "b")], "x\ud800", "t")
    assert not valid_signature("https://[::1/", PARAMS, EXPECTED, TOKEN)
