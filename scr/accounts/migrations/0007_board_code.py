import itertools
import re
import string
import unicodedata

from django.db import migrations, models


def _code(name: str, taken: set[str]) -> str:
    """The name's initials, A to Z, 2 to 6 letters, not taken (as Board.save makes one;
    copied here so that this migration keeps doing what it did)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z]+", plain)
    code = "".join(word[0] for word in words).upper()[:6]
    if len(code) < 2:
        code = ("".join(words).upper() + "BB")[:2]
    if code not in taken:
        return code
    for length in range(1, 5):
        stem = code[: 6 - length]
        for tail in itertools.product(string.ascii_uppercase, repeat=length):
            if stem + "".join(tail) not in taken:
                return stem + "".join(tail)
    raise ValueError(f"No free board code for {name}")


def codes_from_initials(apps, schema_editor):
    Board = apps.get_model("accounts", "Board")
    taken: set[str] = set()
    for board in Board.objects.order_by("pk"):
        board.code = _code(board.name, taken)
        taken.add(board.code)
        board.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_board_default_review_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="board",
            name="code",
            field=models.CharField(blank=True, default="", max_length=6),
            preserve_default=False,
        ),
        migrations.RunPython(codes_from_initials, migrations.RunPython.noop),
    ]
