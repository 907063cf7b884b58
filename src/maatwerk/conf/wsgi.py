import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.conf.settings")
application = get_wsgi_application()

# With DEBUG off, refuse to start before `maatwerk collectstatic` has run for this
# release (otherwise every page would be a server error): maatwerk.web.checks.
from maatwerk.web.checks import require_collected_static  # noqa: E402

require_collected_static()
