"""The writes of the overview report's family (13.4 e): the author confirms that two
people are one (a merge) or are not, and corrects a person. What the family shows, and
which people the service suggests are one, is overview/family.py."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imr.template import RELATIONSHIP_LABELS
from overview.family import snapshot, snapshot_key
from overview.models import FamilyMember, FamilyMergeDecision, FamilyReport, Overview
from overview.services import overview_audit, writable_overview


def _pair(overview: Overview, first_id: int, second_id: int) -> tuple[FamilyMember, FamilyMember]:
    if int(first_id) == int(second_id):
        raise ValidationError("Choose two different people.")
    found = {
        m.pk: m
        for m in FamilyMember.objects.select_for_update().filter(
            overview=overview, pk__in=[first_id, second_id]
        )
    }
    if len(found) != 2:
        raise ValidationError("Choose people of this overview report's family.")
    return found[int(first_id)], found[int(second_id)]


# Blank fields of the kept person are filled from the merged one; the adult keeps no
# relationship (they are the one the others relate to).
FILLED = ("date_of_birth", "date_of_death", "address", "ethnicity")


@transaction.atomic
def family_merge(*, case_id: int | str, by, keep_id: int, merge_id: int) -> FamilyMember:
    """The author confirms two people are one (13.4 e). Needs the author while the report
    is being written. Moves the merged person's agency reports to the kept one, fills the
    kept one's blanks from it, deletes it and records the decision."""
    overview = writable_overview(by, case_id, "its family")
    keep, merge = _pair(overview, keep_id, merge_id)
    # The adult is one person already (every agency's account of them is on one box);
    # a relative is never the adult, whatever their records say.
    if merge.is_subject or keep.is_subject:
        raise ValidationError("The adult is not merged with anyone: choose two relatives.")
    FamilyMergeDecision.objects.create(
        overview=overview,
        first=snapshot(keep),
        second=snapshot(merge),
        same_person=True,
        decided_by=by,
    )
    FamilyReport.objects.filter(member=merge).update(member=keep)
    names = FILLED if keep.is_subject else ("relationship", "relationship_detail", *FILLED)
    changed = [n for n in names if not getattr(keep, n) and getattr(merge, n)]
    for name in changed:
        setattr(keep, name, getattr(merge, name))
    if keep.name == "Unnamed" and merge.name != "Unnamed":
        keep.name = merge.name
        changed.append("name")
    if changed:
        keep.save(update_fields=changed)
    merge.delete()
    overview_audit(overview, by, f"family member {merge_id} merged into {keep.pk}")
    return keep


@transaction.atomic
def family_not_same(
    *, case_id: int | str, by, first_id: int, second_id: int
) -> FamilyMergeDecision:
    """The author says two people are not one (13.4 e), so the pair is not suggested
    again. Needs the author while the report is being written; changes no person."""
    overview = writable_overview(by, case_id, "its family")
    first, second = _pair(overview, first_id, second_id)
    pair = frozenset((snapshot_key(snapshot(first)), snapshot_key(snapshot(second))))
    for decision in FamilyMergeDecision.objects.filter(overview=overview, same_person=False):
        # A second press of the button answers the same question once.
        if frozenset((snapshot_key(decision.first), snapshot_key(decision.second))) == pair:
            return decision
    decision = FamilyMergeDecision.objects.create(
        overview=overview,
        first=snapshot(first),
        second=snapshot(second),
        same_person=False,
        decided_by=by,
    )
    overview_audit(
        overview, by, f"family members {first.pk} and {second.pk} are not the same person"
    )
    return decision


@transaction.atomic
def family_member_update(
    *,
    case_id: int | str,
    by,
    member_id: int,
    name: str,
    relationship: str = "",
    relationship_detail: str = "",
    date_of_birth: date | None = None,
    date_of_death: date | None = None,
) -> FamilyMember:
    """The author corrects a person of the family tree (13.4 e). Needs the author while
    the report is being written. The agencies' reports stay as they were accepted."""
    overview = writable_overview(by, case_id, "its family")
    member = FamilyMember.objects.select_for_update().filter(overview=overview, pk=member_id)
    member = member.first()
    if member is None:
        raise ValidationError("That person is no longer in the family: they may have been merged.")
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the name"
    if member.is_subject:
        relationship, relationship_detail = "", ""
    elif relationship not in RELATIONSHIP_LABELS:
        errors["relationship"] = "Choose the relationship to the adult"
    today = timezone.localdate()
    if date_of_birth and date_of_birth > today:
        errors["date_of_birth"] = "The date of birth must be in the past"
    if date_of_death and date_of_death > today:
        errors["date_of_death"] = "The date of death must be today or in the past"
    elif date_of_birth and date_of_death and date_of_death < date_of_birth:
        errors["date_of_death"] = "The date of death must be after the date of birth"
    if errors:
        raise ValidationError(errors)
    member.name = " ".join(name.split())
    member.relationship = relationship
    member.relationship_detail = relationship_detail.strip()
    member.date_of_birth = date_of_birth
    member.date_of_death = date_of_death
    member.save(
        update_fields=[
            "name",
            "relationship",
            "relationship_detail",
            "date_of_birth",
            "date_of_death",
        ]
    )
    overview_audit(overview, by, f"family member {member.pk} corrected")
    return member
