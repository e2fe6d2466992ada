import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.local")
application = get_asgi_application()

from appraisals.web.limits import asgi_body_limit  # noqa: E402  (after Django is set up)

application = asgi_body_limit(application)
