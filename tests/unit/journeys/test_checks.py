"""The pure judging of a journey: each expectation and whole-call check passes on what it
expects and fails, with an actionable message, on what it does not."""

from __future__ import annotations

import re
from types import MappingProxyType

from voice_agent.core.labels import ActionName, Offer, Phase
from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore
from voice_agent.journeys.checks import (
    Failure,
    check_call,
    check_end,
    check_turn,
    evaluate,
)
from voice_agent.journeys.observed import Observed, ObservedTurn
from voice_agent.journeys.spec import Checks, End, Expect, Journey, Turn


def seen(
    number: int = 1,
    *,
    reply: str = "Got it. What does a typical week look like?",
    objections: tuple[tuple[str, float], ...] = (),
    needs: tuple[tuple[str, float], ...] = (),
    buying: tuple[bool, float] = (False, 0.05),
    conversion: float = 0.3,
    action: ActionName = "discover_need",
    reason: str = "no need identified yet",
    phase: Phase = "discovery",
    fallbacks: tuple[str, ...] = (),
    accepted: Offer | None = None,
) -> ObservedTurn:
    insights = Insights(
        objections=tuple(LabelScore(k, p) for k, p in objections),
        needs=tuple(LabelScore(k, p) for k, p in needs),
        buying_signal=BuyingSignal(*buying),
        conversion_probability=conversion,
        next_action=Action(action, reason, accepted=accepted),
        phase=phase,
        fallbacks=fallbacks,
    )
    return ObservedTurn(number, f"customer line {number}", reply, insights)


NO_CHECKS, NO_END = Checks(), End()


def journey(*expects: Expect, checks: Checks = NO_CHECKS, end: End = NO_END) -> Journey:
    turns = tuple(Turn(i, f"customer line {i}", e) for i, e in enumerate(expects, start=1))
    return Journey("j.yaml", "j", "en", MappingProxyType({}), turns, end, checks)


def observed(*turns: ObservedTurn, greeting: str = "Hi, this is Sofia.") -> Observed:
    return Observed("c1", greeting, turns)


def keys(failures: list[Failure]) -> list[str]:
    return [f.key for f in failures]


def test_an_empty_expect_passes_anything() -> None:
    assert check_turn(Expect(), seen(objections=(("price", 0.9),))) == []


def test_detected_labels_pass_at_threshold_and_fail_below_with_p() -> None:
    expect = Expect(objections=("price",), needs=("stress",))
    ok = seen(objections=(("price", 0.5),), needs=(("stress", 0.97),))
    assert check_turn(expect, ok) == []
    bad = check_turn(expect, seen(objections=(("price", 0.31), ("time", 0.99))))
    assert keys(bad) == ["expect.objections", "expect.needs"]
    assert bad[0].message == (
        "expect.objections: expected price detected (p >= 0.5); "
        "got price p=0.31 (listed: time 0.99, price 0.31)"
    )
    assert bad[1].actual == "stress not detected (listed: none)"


def test_not_objections_and_not_needs() -> None:
    expect = Expect(not_objections=("time",), not_needs=("rehab",))
    assert check_turn(expect, seen(objections=(("time", 0.49),))) == []
    bad = check_turn(expect, seen(objections=(("time", 0.99),), needs=(("rehab", 0.8),)))
    assert [f.message for f in bad] == [
        "expect.not_objections: expected time not detected; got time p=0.99",
        "expect.not_needs: expected rehab not detected; got rehab p=0.80",
    ]


def test_buying_signal() -> None:
    assert check_turn(Expect(buying_signal=True), seen(buying=(True, 0.9))) == []
    (f,) = check_turn(Expect(buying_signal=True), seen(buying=(False, 0.27)))
    assert f.message == "expect.buying_signal: expected true; got false (p=0.27)"


def test_action_one_of_names_the_reason() -> None:
    expect = Expect(action=("close", "offer_trial"))
    assert check_turn(expect, seen(action="offer_trial")) == []
    (f,) = check_turn(expect, seen(action="present_program", reason="need energy identified"))
    assert f.turn == 1
    assert f.message == (
        "expect.action: expected one of close, offer_trial; "
        "got present_program (reason: need energy identified)"
    )
    (g,) = check_turn(Expect(action=("hand_off",)), seen(action="close", reason="r"))
    assert g.expected == "hand_off"


def test_phase() -> None:
    assert check_turn(Expect(phase=("closing",)), seen(phase="closing")) == []
    (f,) = check_turn(Expect(phase=("closing",)), seen(phase="presentation"))
    assert f.message == "expect.phase: expected closing; got presentation"


def test_reply_regexes_show_the_reply_and_the_match() -> None:
    reply = "It sounds like Executive Energy is a great fit. Shall we get you started?"
    must = Expect(reply_matches=re.compile(r"(?i)link|first session"))
    (f,) = check_turn(must, seen(reply=reply))
    assert f.expected == "a reply matching /(?i)link|first session/"
    assert f.actual == f'"{reply}"'
    must_not = Expect(reply_not_matches=re.compile(r"(?i)shall we"))
    (g,) = check_turn(must_not, seen(reply=reply))
    assert g.actual == f"'Shall we' in \"{reply}\""
    ok = "I'm sending the sign-up link now; your coach will book your first session."
    assert (
        check_turn(
            Expect(reply_matches=must.reply_matches, reply_not_matches=must_not.reply_not_matches),
            seen(reply=ok),
        )
        == []
    )


def test_end_phase_and_action() -> None:
    last = seen(3, action="close", reason="yes", phase="closing")
    assert check_end(End(phase=("closing",), action=("close",)), last) == []
    bad = check_end(End(phase=("follow_up",), action=("hand_off",)), last)
    assert [f.message for f in bad] == [
        "end.phase: expected the call to end in follow_up; got closing after turn 3",
        "end.action: expected the last action to be hand_off; got close (reason: yes)",
    ]
    assert all(f.turn is None for f in bad)


def test_no_repeated_reply_includes_the_greeting_and_ignores_case_and_spacing() -> None:
    j = journey(Expect(), Expect(), Expect(), checks=Checks(no_repeated_reply=True))
    fine = observed(seen(1, reply="A."), seen(2, reply="B."), seen(3, reply="C."))
    assert check_call(j, fine) == []
    twice = observed(
        seen(1, reply="Shall we get you started?"),
        seen(2, reply="Hi,  this is SOFIA."),
        seen(3, reply="shall we get you  started?"),
    )
    bad = check_call(j, twice)
    assert [(f.turn, f.actual.split(":")[0]) for f in bad] == [
        (2, "the same reply as the greeting"),
        (3, "the same reply as turn 1"),
    ]


def test_conversion_after_yes_compares_the_yes_with_the_turn_before() -> None:
    j = journey(
        Expect(),
        Expect(buying_signal=True),
        Expect(),
        checks=Checks(conversion_rises_after_yes=True),
    )
    same = observed(seen(1, conversion=0.34), seen(2, conversion=0.34), seen(3, conversion=0.1))
    assert check_call(j, same) == []  # equal is not lower; turn 3 is after the yes
    fell = observed(seen(1, conversion=0.34), seen(2, conversion=0.10), seen(3))
    (f,) = check_call(j, fell)
    assert f.turn == 2
    assert f.message == (
        "checks.conversion_rises_after_yes: expected conversion probability on the yes "
        "(turn 2) not lower than on turn 1 (0.34); got 0.10"
    )
    assert check_call(j, observed(seen(1, conversion=0.9))) == []  # the yes never answered


def test_max_close_attempts_lists_the_turns() -> None:
    j = journey(Expect(), Expect(), Expect(), checks=Checks(max_close_attempts=1))
    once = observed(seen(1), seen(2, action="close"), seen(3))
    assert check_call(j, once) == []
    (f,) = check_call(j, observed(seen(1, action="close"), seen(2), seen(3, action="close")))
    assert f.message == (
        "checks.max_close_attempts: expected at most 1 turn(s) asking for the sale "
        "(action close); got 2 (turns 1, 3)"
    )
    # a close that confirms the customer's yes asks for nothing
    confirmed = observed(
        seen(1, action="close"), seen(2, action="close", accepted="program"), seen(3)
    )
    assert check_call(j, confirmed) == []


def test_no_fallbacks_and_only_detected_labels() -> None:
    j = journey(Expect(), Expect(), checks=Checks(no_fallbacks=True, only_detected_labels=True))
    clean = observed(seen(1, objections=(("price", 0.9),)), seen(2))
    assert check_call(j, clean) == []
    dirty = observed(
        seen(1, fallbacks=("needs", "conversion")),
        seen(2, objections=(("time", 0.99), ("price", 0.2)), needs=(("stress", 0.3),)),
    )
    assert [f.message for f in check_call(j, dirty)] == [
        "checks.no_fallbacks: expected every analyser answered by its model; "
        "got rule-based fallback for needs, conversion",
        "checks.only_detected_labels: expected insights listing only labels with p >= 0.5; "
        "got also listed: objection price 0.20, need stress 0.30",
    ]


def test_checks_that_are_off_do_nothing() -> None:
    j = journey(Expect(), Expect())
    repeated = observed(
        seen(1, reply="x", action="close", fallbacks=("needs",)), seen(2, reply="x", action="close")
    )
    assert check_call(j, repeated) == []


def test_evaluate_orders_by_turn_and_judges_end_only_when_every_turn_answered() -> None:
    j = journey(
        Expect(action=("close",)),
        Expect(buying_signal=True),
        checks=Checks(max_close_attempts=0),
        end=End(phase=("closing",)),
    )
    full = evaluate(j, observed(seen(1), seen(2)))
    assert [(f.turn, f.key) for f in full] == [
        (1, "expect.action"),
        (2, "expect.buying_signal"),
        (None, "end.phase"),
    ]
    cut = evaluate(j, observed(seen(1)))
    assert [(f.turn, f.key) for f in cut] == [(1, "expect.action")]
