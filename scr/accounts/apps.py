from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "scr.accounts"
    label = "accounts"
    verbose_name = "Boards, agencies and people"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_role_groups)

        from scr.accounts import two_factor
        from scr.outbox import registry as outbox

        outbox.register_job("accounts.security_change_email", two_factor.security_change_email)


def _sync_role_groups(sender, **kwargs) -> None:
    # Setup, not business logic: the role groups need every app's permissions, which
    # exist once the last app with models has migrated (post_migrate skips the others).
    from django.apps import apps

    from scr.accounts.services import role_groups_sync

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        role_groups_sync()
