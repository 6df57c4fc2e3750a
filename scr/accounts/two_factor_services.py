"""The writes of the second factor: the authenticator app being set up and confirmed,
backup codes made, and both reset for a lost phone. Matching codes, the QR code and the
emails that tell a person of a change are scr/accounts/two_factor.py."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scr.accounts.models import User
from scr.accounts.session_services import sessions_end_others
from scr.accounts.two_factor import (
    APP_NAME,
    BACKUP_CODE_COUNT,
    BACKUP_NAME,
    security_change_notify,
)


def authenticator_pending(user: User) -> TOTPDevice:
    """The app being set up: one unconfirmed device per user, kept until confirmed so a
    reload shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


@transaction.atomic
def backup_codes_make(*, user: User, notify: bool = True) -> list[str]:
    """New backup codes; the old ones stop working. Shown once, stored as given
    (django-otp's static device), each usable once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    if notify:
        security_change_notify(user=user, change="backup_codes")
    return codes


@transaction.atomic
def authenticator_confirm(*, user: User, device_id: int, code: str) -> TOTPDevice | None:
    """Confirm the app being set up with a code from it. On success it replaces any
    earlier app and new backup codes are made. None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id).first()
    if device is None or device.confirmed:
        return None
    if not device.verify_token("".join(code.split())):
        return None
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
    had_one = replaced.exists()
    replaced.delete()
    device.confirmed = True
    device.name = APP_NAME
    device.save(update_fields=["confirmed", "name"])
    if had_one:
        security_change_notify(user=user, change="second_factor")
    return device


@transaction.atomic
def second_factor_reset(*, user: User) -> None:
    """For a lost phone, by a coordinator or superuser: the person sets a new password
    from the email they are sent, then sets up a new app at sign-in. Their sessions end."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # Whoever set up a new app with the password alone would own the account: the old
    # password stops working, and the email that tells the person of the reset carries a
    # link to set a new one. Only the owner of the mailbox gets back in.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    sessions_end_others(user=user, keep_key=None)
    security_change_notify(user=user, change="second_factor_reset")
