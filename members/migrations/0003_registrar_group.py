"""The "Rejestratorzy" group: office staff who register residents (rules §II).

Permissions are normally created after all migrations ran (post_migrate), so they
are created here first to be able to attach them to the group.
"""

from django.db import migrations

GROUP_NAME = "Rejestratorzy"
PERMISSIONS = [
    ("members", "register_resident"),
    ("members", "view_auditevent"),
    ("wagtailadmin", "access_admin"),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # wagtailadmin.access_admin already exists (created by Wagtail's migration 0001).
    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
        group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_security_fields"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
