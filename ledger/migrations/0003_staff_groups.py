"""Office staff groups and what they may do with the books (see ledger/roles.py).

Permissions are created here (not left to post_migrate) so that the groups get
them on a fresh database in the same `migrate` run."""

from django.db import migrations

REGISTRARS = "Rejestratorzy"
ACCOUNTANTS = "Księgowość"

MODELS = {
    "estate": "estate",
    "housingcommunity": "housing community",
    "building": "building",
    "unit": "unit",
    "party": "party",
    "unitright": "right to a unit",
    "chargecomponent": "charge component",
    "chargeschedule": "charge schedule",
    "ledgerentry": "ledger entry",
    "entrysettlement": "settlement of a charge",
    "loan": "loan",
    "loanentry": "loan entry",
    "meter": "meter",
    "meterreading": "meter reading",
    "membership": "membership",
    "dataimport": "data import",
}
READ_ONLY = {"ledgerentry", "entrysettlement", "loanentry", "dataimport"}

GRANTS = {
    REGISTRARS: {model: ["view"] for model in MODELS} | {"party": ["view", "change"]},
    ACCOUNTANTS: {
        model: ["view"] if model in READ_ONLY else ["view", "add", "change"]
        for model in MODELS
    },
}


def create_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    admin_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailadmin", model="admin"
    )
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    for group_name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        for model, actions in grants.items():
            content_type, _ = ContentType.objects.get_or_create(
                app_label="ledger", model=model
            )
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {MODELS[model]}"},
                )
                group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[REGISTRARS, ACCOUNTANTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_domain_models"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
