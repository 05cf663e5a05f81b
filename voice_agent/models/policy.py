"""Next-best-action policy driven by the trained models' predictions.

Every candidate action gets a score in [0, 1] computed from the turn's calibrated
probabilities (objections, needs, buying signal, conversion) and the conversation memory
(what was already handled, presented, offered); the best-scoring action wins and its
reason names the predictions that drove it, e.g. ``"price objection p=0.91 not yet
handled"``. Scores are plain arithmetic on probabilities: no I/O, microseconds per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_agent.core.decision import MAX_HANDLES_PER_OBJECTION, PolicyState
from voice_agent.core.labels import ActionName
from voice_agent.core.types import Action

#: How much each objection type stops the sale if left unanswered.
OBJECTION_WEIGHT = {
    "price": 1.0,
    "time": 0.95,
    "skepticism": 0.95,
    "has_alternative": 0.9,
    "think_it_over": 0.85,
    "needs_approval": 0.85,
    "not_interested": 0.9,
}
#: Objections the trial offer answers well once plain handling has been tried.
TRIAL_ANSWERS = ("price", "think_it_over", "skepticism", "time")


@dataclass(frozen=True, slots=True)
class Candidate:
    name: ActionName
    score: float
    reason: str
    objection: str | None = None
    need: str | None = None


class ModelPolicy:
    """Scores every action from the predictions and picks the best, with its reason."""

    name = "model"

    def candidates(self, state: PolicyState) -> list[Candidate]:
        ins, mem = state.insights, state.memory
        p_conv = ins.conversion_probability
        p_bs = ins.buying_signal.p
        objs = sorted(((s.p, s.label) for s in ins.objections), reverse=True)
        needs = sorted(((s.p, s.label) for s in ins.needs), reverse=True)
        top_need_p, top_need = needs[0] if needs else (0.0, None)
        known_need = (
            max(mem.needs_found, key=lambda k: mem.needs_found[k]) if mem.needs_found else None
        )
        presented = bool(mem.programs_presented)
        out: list[Candidate] = []

        # Objections: answer the strongest open one, unless it was answered enough times.
        p_any_obj = objs[0][0] if objs else 0.0
        for p, label in objs:
            if p < 0.5:
                break
            handled = mem.objections_handled.get(label, 0)
            raised = mem.objections_raised.get(label, 0)
            if label == "not_interested" and (raised >= 2 or handled >= 1):
                out.append(
                    Candidate(
                        "schedule_follow_up",
                        p * 0.95,
                        f"not_interested p={p:.2f} again (raised {raised}x, answered "
                        f"{handled}x): leave the door open",
                    )
                )
                continue
            if handled < MAX_HANDLES_PER_OBJECTION:
                why = (
                    "not yet handled" if handled == 0 else f"raised again after {handled} answer(s)"
                )
                out.append(
                    Candidate(
                        "handle_objection",
                        p * OBJECTION_WEIGHT[label] * (1.0 - 0.2 * handled),
                        f"{label} objection p={p:.2f} {why}",
                        objection=label,
                    )
                )
            elif label in TRIAL_ANSWERS and not mem.trial_offered:
                out.append(
                    Candidate(
                        "offer_trial",
                        p * 0.9,
                        f"{label} objection p={p:.2f} persists after {handled} answers: "
                        "lower the risk with the trial",
                    )
                )
            elif label == "needs_approval" or mem.trial_offered or mem.close_attempts:
                out.append(
                    Candidate(
                        "schedule_follow_up",
                        p * 0.8,
                        f"{label} objection p={p:.2f} unresolved after {handled} answers",
                    )
                )
            else:
                out.append(
                    Candidate(
                        "hand_off",
                        p * 0.7,
                        f"{label} objection p={p:.2f} unresolved after {handled} answers: "
                        "a person should take over",
                    )
                )

        # Buying signal: close after an offer, otherwise present first.
        no_obj = 1.0 - p_any_obj
        if presented or mem.trial_offered:
            if mem.close_attempts < 3:
                out.append(
                    Candidate(
                        "close",
                        max(p_bs, 0.9 * p_conv * (1.0 - 0.3 * mem.close_attempts)) * no_obj,
                        f"buying signal p={p_bs:.2f}, conversion p={p_conv:.2f}, no objection "
                        f"open (p={p_any_obj:.2f}): ask for the sale",
                    )
                )
            if not mem.trial_offered:
                out.append(
                    Candidate(
                        "offer_trial",
                        0.55 * no_obj * (1.0 - p_bs),
                        f"program presented, conversion p={p_conv:.2f} not yet high: offer "
                        "the trial",
                    )
                )
            else:
                out.append(
                    Candidate(
                        "schedule_follow_up",
                        0.2 + 0.15 * mem.close_attempts,
                        f"trial offered and {mem.close_attempts} closing attempt(s), "
                        f"conversion p={p_conv:.2f}",
                    )
                )
        else:
            need = top_need if top_need_p >= 0.5 else known_need
            if need is not None or p_bs >= 0.5:
                basis = (
                    f"need {need} p={max(top_need_p, mem.needs_found.get(need or '', 0.0)):.2f}"
                    if need
                    else "no need identified"
                )
                out.append(
                    Candidate(
                        "present_program",
                        max(0.6, p_bs) * no_obj if p_bs >= 0.5 else 0.6 * no_obj + 0.1,
                        f"{basis}, buying signal p={p_bs:.2f}: present the best-fitting program",
                        need=need,
                    )
                )
            elif mem.discovery_questions_asked >= 3:
                out.append(
                    Candidate(
                        "present_program",
                        0.4,
                        f"{mem.discovery_questions_asked} discovery questions without a clear "
                        "need: present the general program",
                    )
                )
            if need is None and mem.discovery_questions_asked < 3:
                out.append(
                    Candidate(
                        "discover_need",
                        (1.0 - top_need_p) * 0.6 * (1.0 - 0.15 * mem.discovery_questions_asked),
                        f"no need identified yet (top need p={top_need_p:.2f})",
                    )
                )
        if not out:
            out.append(Candidate("discover_need", 0.1, "nothing stands out: keep discovering"))
        return out

    def decide(self, state: PolicyState) -> Action:
        best = max(self.candidates(state), key=lambda c: c.score)
        return Action(best.name, best.reason, objection=best.objection, need=best.need)
