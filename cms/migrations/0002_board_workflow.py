"""The board's group and its approval workflow for the rules and privacy pages.

The "Zarząd" (board) group starts with the same permissions as Wagtail's
Moderators group; its members approve changes submitted by Editors. The workflow
is attached to each RulesPage / PrivacyClausePage when the page is created
(cms.services.page_assign_board_workflow).
"""

from django.db import migrations

BOARD_GROUP_NAME = "Zarząd"
BOARD_WORKFLOW_NAME = "Zatwierdzenie przez Zarząd"
BOARD_TASK_NAME = "Akceptacja Zarządu"


def create_board_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    board, created = Group.objects.get_or_create(name=BOARD_GROUP_NAME)
    if created:
        moderators = Group.objects.filter(name="Moderators").first()
        if moderators is not None:
            board.permissions.set(moderators.permissions.all())
            for perm in GroupPagePermission.objects.filter(group=moderators):
                GroupPagePermission.objects.get_or_create(
                    group=board, page_id=perm.page_id, permission_id=perm.permission_id
                )
            for perm in GroupCollectionPermission.objects.filter(group=moderators):
                GroupCollectionPermission.objects.get_or_create(
                    group=board,
                    collection_id=perm.collection_id,
                    permission_id=perm.permission_id,
                )
        else:
            admin_ct, _ = ContentType.objects.get_or_create(
                app_label="wagtailadmin", model="admin"
            )
            access_admin, _ = Permission.objects.get_or_create(
                content_type=admin_ct,
                codename="access_admin",
                defaults={"name": "Can access Wagtail admin"},
            )
            board.permissions.add(access_admin)

    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=BOARD_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=BOARD_TASK_NAME, active=True, content_type=task_ct
        )
    task.groups.add(board)

    workflow, _ = Workflow.objects.get_or_create(
        name=BOARD_WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )


def remove_board_workflow(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(
        name=BOARD_WORKFLOW_NAME
    ).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(
        name=BOARD_TASK_NAME
    ).delete()
    apps.get_model("auth", "Group").objects.filter(name=BOARD_GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RunPython(create_board_workflow, remove_board_workflow),
    ]
