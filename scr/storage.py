"""The private storage's local form: a folder under PRIVATE_FILES_ROOT (settings.py picks
it, or S3, for STORAGES["private"]; scr/uploads.py is its only user)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage in PRIVATE_FILES_ROOT, not MEDIA_ROOT, read when first used and
    again whenever the setting changes (tests move it to a temporary folder). Its files
    have no address: they are served only by views that check permissions first."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_FILES_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_FILES_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("Private files have no address; a view serves them.")
