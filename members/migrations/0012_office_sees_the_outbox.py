"""The office (the "Rejestratorzy" group, who answer residents) sees the
outbox of e-mails in the admin: failures and bounces, "send again", "mark
bounced" and the to-do item of undelivered e-mails (members/outbox_admin.py).
Without it only superusers saw them."""

from django.db import migrations

REGISTRAR_GROUP = "Rejestratorzy"
CODENAMES = ("view_outgoingemail", "change_outgoingemail")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=REGISTRAR_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="members", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=REGISTRAR_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="members", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0011_audit_events_documents")]

    operations = [migrations.RunPython(grant, revoke)]
