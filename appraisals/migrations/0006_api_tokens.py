"""API tokens of our own (hashed, one per sign-in) replace DRF's authtoken (issue #13).

DRF's table held every token in plain text; it is dropped, not converted (a
hash cannot be re-keyed into the old tokens' owners' devices without the
secrets anyway): users sign in again. Its django_migrations rows stay, inert.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {connection.ops.quote_name('authtoken_token')}")


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0005_plan_content_checkins_feedback"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("created", models.DateTimeField()),
                ("expires", models.DateTimeField()),
                ("last_used", models.DateTimeField(blank=True, null=True)),
                ("client", models.CharField(blank=True, max_length=200)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user", "expires"], name="api_token_user_expires")
                ],
            },
        ),
        migrations.RunPython(drop_plain_tokens, migrations.RunPython.noop, elidable=True),
    ]
