"""Files that are case data (receipts, request attachments): stored under
``MEDIA_ROOT/<folder>`` with random names, owner-only permissions (settings), and no
URL at all. They are only ever served by their app's access-checked view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self, folder: str, view_name: str, **kwargs):
        super().__init__(**kwargs)
        self.folder = folder
        self.view_name = view_name

    @cached_property
    def base_location(self):
        # Cleared by FileSystemStorage when MEDIA_ROOT changes (tests), as before.
        return os.path.join(settings.MEDIA_ROOT, self.folder)

    def url(self, name):
        raise ValueError(f"{self.folder} have no URL; use the {self.view_name} view")
