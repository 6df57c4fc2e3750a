"""The panel stage's records and clocks (5, 6, 8, 9)."""

from datetime import timedelta

from bench.scale.fiction import TERMS
from bench.scale.rows import _at, _create, _model
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.deadlines.models import Deadline


class Panels:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def panel(self) -> None:
        """The panel's records (5, 6, 8, 9) and its two clocks (6.1, 6.2)."""
        models = {
            name: _model(f"panel.{name}")
            for name in (
                "RecordsRequest",
                "PanelMembership",
                "PanelMeeting",
                "TermsOfReference",
                "Term",
                "PanelRecommendation",
                "DecisionLetter",
            )
        }
        requests, members, meetings, tors, recommendations = [], [], [], [], []
        letters = []
        for case in self.cases:
            if not case.reached(Stage.PANEL_CONVENED):
                continue
            world, obj = case.world, case.obj
            convened = case.entered[Stage.PANEL_CONVENED]
            recommended = case.entered.get(Stage.PANEL_RECOMMENDED)
            requests += [
                models["RecordsRequest"](
                    case=obj,
                    agency=agency,
                    requested_at=_at(convened),
                    requested_by=world.chair,
                    confirmed_by=world.leads[agency.pk] if recommended else None,
                    confirmed_at=_at(convened + timedelta(days=3)) if recommended else None,
                    systems="Case records and electronic notes secured." if recommended else "",
                    chronology_started=bool(recommended),
                )
                for agency in case.agencies
            ]
            members += [
                models["PanelMembership"](
                    case=obj,
                    user=world.panel[agency.pk],
                    kind="representative",
                    added_by=world.coordinator,
                    added_at=_at(convened),
                )
                for agency in world.agencies[:3]
            ]
            for kind in (Deadline.Kind.PANEL_MEETING, Deadline.Kind.PANEL_RECOMMENDATION):
                self._clock(case, kind, convened, met=recommended, owner=case.panel_chair)
            if recommended is None:
                continue
            meetings.append(
                models["PanelMeeting"](
                    case=obj,
                    held_on=convened + timedelta(days=5),
                    notes="The panel considered the referral and the agencies' summaries.",
                    recorded_by=case.panel_chair,
                    recorded_at=_at(convened + timedelta(days=5)),
                )
            )
            died = obj.subject_date_of_death or case.entered[Stage.REFERRAL_RECEIVED]
            case.period = (died - timedelta(days=self.rng.randint(540, 1100)), died)
            case.terms = self.rng.randint(3, len(TERMS))
            tors.append(
                models["TermsOfReference"](
                    case=obj,
                    period_from=case.period[0],
                    period_to=case.period[1],
                    final=True,
                    updated_by=case.panel_chair,
                    updated_at=_at(recommended),
                )
            )
            review = case.stage in MAIN_ROUTE
            recommendations.append(
                models["PanelRecommendation"](
                    case=obj,
                    choice="full_review" if review else self.rng.choice(["smaller", "no_action"]),
                    reasons="The criteria of 3.1 are met and agencies could have worked "
                    "together better."
                    if review
                    else "A smaller review will bring out the learning.",
                    recorded_by=case.panel_chair,
                    recorded_at=_at(recommended),
                )
            )
            if case.reached(Stage.REVIEW_COMMISSIONED):
                letters += self._letters(models["DecisionLetter"], case)
        _create(requests)
        _create(members)
        _create(meetings)
        _create(tors)
        _create(recommendations)
        _create(letters)
        with_terms = [c for c in self.cases if c.terms]
        _create(
            [
                models["Term"](terms=tor, number=n, text=TERMS[n - 1])
                for tor, case in zip(tors, with_terms, strict=True)
                for n in range(1, case.terms + 1)
            ]
        )
        self.counts["records requests"] = len(requests)
        self.counts["decision letters"] = len(letters)

    @staticmethod
    def _letters(DecisionLetter, case) -> list:
        """7 a and b, as panel.services leaves them once the chair commissions the review:
        the regulator notified and the board told, each letter sent."""
        world = case.world
        board_people = {world.chair.email, world.coordinator.email}
        board_people |= {member.email for member in world.members}
        recipients = {
            "regulator": world.board.regulator_email,
            "board": ", ".join(sorted(board_people)),
        }
        sent = _at(case.entered[Stage.REVIEW_COMMISSIONED])
        return [
            DecisionLetter(
                case=case.obj,
                kind=kind,
                recipients=to,
                created_at=sent,
                sent_at=sent,
                created_by=world.chair,
            )
            for kind, to in recipients.items()
        ]
