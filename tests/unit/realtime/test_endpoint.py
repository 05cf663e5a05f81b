"""Pure helpers of the realtime endpoint."""

from __future__ import annotations

from voice_agent.realtime.endpoint import split_first_clause


def test_split_first_clause() -> None:
    assert split_first_clause("I hear you, price matters a lot.") == [
        "I hear you,",
        "price matters a lot.",
    ]
    # too short a head or tail, or no clause: whole
    assert split_first_clause("Sure, thanks.") == ["Sure, thanks."]
    assert split_first_clause("Hello there.") == ["Hello there."]
    assert split_first_clause("Okay, great.") == ["Okay, great."]
    # numbers like 1,000 are not clause breaks
    assert split_first_clause("It costs 1,000 dollars a month for you.") == [
        "It costs 1,000 dollars a month for you."
    ]
    long_head = "word " * 20 + ", and then the rest of it."
    assert split_first_clause(long_head) == [long_head]
