"""A board's review types: what a case of each kind is (docs/review-types.md)."""

from django.db import models
from django.utils import timezone

from scr.accounts.models import Board
from scr.reviewtypes.definition import Definition, display, parse


class ReviewType(models.Model):
    """One version of a review type on one board: a copy of a built-in type (its file in
    scr/reviewtypes/builtin) or the board's own. A version a case uses is never edited:
    a change is a new version, which new cases take."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="review_types")
    code = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    # The built-in type and version this one was copied from ("sar@1"); blank for a type
    # the board wrote itself.
    based_on = models.CharField(max_length=50, blank=True)
    definition = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["board", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "code", "version"], name="review_type_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, version {self.version})"

    @property
    def parsed(self) -> Definition:
        cached = self.__dict__.get("_parsed")
        if cached is None:
            cached = self.__dict__["_parsed"] = parse(self.definition)
        return cached

    @property
    def wording(self) -> dict[str, str]:
        return self.parsed.wording

    def allows(self, source: str, target: str) -> bool:
        """Whether a case of this type moves from stage `source` to `target`: the case's
        state machine asks before every move (scr.cases.models). Read from the stored
        definition, checked when it was saved, and kept with the row."""
        moves = self.__dict__.get("_moves")
        if moves is None:
            moves = self.__dict__["_moves"] = frozenset(
                (a, b) for a, b in self.definition.get("moves", [])
            )
        return (str(source), str(target)) in moves

    def clock_display(self, key: str) -> str | None:
        """The name of the clock `key`, or None when the type has no such clock. Read
        from the stored definition (checked when it was saved) without parsing it again,
        so a list of many clocks names each cheaply."""
        for clock in self.definition.get("clocks", []):
            if clock.get("key") == key:
                return display(clock["label"].strip(), clock.get("reference", ""))
        return None
