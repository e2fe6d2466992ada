from django.conf import settings
from django.contrib.auth import get_user_model


def system_actor():
    """The named user under which the system's own actions are recorded.

    Timers, bulk jobs and management commands act as this user, so no
    history row or audit event ever has an empty actor. It cannot log in.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=settings.KINERJA_SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "Sistem Kinerja"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
