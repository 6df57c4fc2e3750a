"""Board-wide role groups were named by the role's label; they are now named by its
stored value, so rewording a label cuts nobody off.

The labels are written out here as they stood when the groups were renamed: a later
rewording must not change what this migration looks for.
"""

from django.db import migrations

LABEL_BY_VALUE = {
    "coordinator": "Safeguarding coordinator",
    "board_chair": "Board chair",
    "agency_lead": "Agency lead",
    "board_member": "Board member",
    "referrer": "Referrer",
}


def _rename(Group, old: str, new: str) -> None:
    group = Group.objects.filter(name=old).first()
    if group is None:
        return
    target = Group.objects.filter(name=new).first()
    if target is None:
        group.name = new
        group.save(update_fields=["name"])
        return
    # Both names exist (the new one made by hand or by a sync): keep one group with
    # everyone and every permission of the two, so nobody loses a role.
    target.user_set.add(*group.user_set.all())
    target.permissions.add(*group.permissions.all())
    group.delete()


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for value, label in LABEL_BY_VALUE.items():
        _rename(Group, label, value)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for value, label in LABEL_BY_VALUE.items():
        _rename(Group, value, label)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_session"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
