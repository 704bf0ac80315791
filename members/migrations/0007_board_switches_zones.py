"""The board switches the zones of the member area (rules §III.3): the "Zarząd"
group (cms.0002_board_workflow) gets ``members.change_zonestate`` and
``members.view_zonestate``; superusers (IT) have every permission. The admin
screen "Strefy IOK" and its menu entry check the permission
(``members.area.zones.zone_may_change``).

Permissions are normally created after all migrations ran (post_migrate), so
they are created here first, as in 0003_registrar_group.
"""

from django.db import migrations

BOARD_GROUP_NAME = "Zarząd"
CODENAMES = ("change_zonestate", "view_zonestate")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    board, _created = Group.objects.get_or_create(name=BOARD_GROUP_NAME)
    board.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="members", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    board = Group.objects.filter(name=BOARD_GROUP_NAME).first()
    if board is not None:
        board.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="members", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_zone_states_and_recurring_jobs"),
        ("cms", "0002_board_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
