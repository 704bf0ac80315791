"""Names that Wagtail's own migrations create in English and staff see in the
Polish admin: the root collection and the root of the page tree ("Root"), and
the default approval workflow and its task ("Moderators approval"). Renamed only while they still carry
Wagtail's default name, so a name staff chose is kept."""

from django.db import migrations

RENAMES = {
    # model: [(Wagtail's default, Polish)]
    "Collection": [("Root", "Główna")],
    "Task": [("Moderators approval", "Akceptacja moderatorów")],
    "Workflow": [("Moderators approval", "Akceptacja moderatorów")],
}

# The page tree's root holds the sites' home pages (shown in the page explorer).
ROOT_PAGE = ("Root", "Wszystkie strony")


def rename(apps, schema_editor, *, reverse=False):
    for model_name, names in RENAMES.items():
        model = apps.get_model("wagtailcore", model_name)
        for english, polish in names:
            old, new = (polish, english) if reverse else (english, polish)
            rows = model.objects.filter(name=old)
            if model_name == "Collection":
                rows = rows.filter(depth=1)
            rows.update(name=new)
    Page = apps.get_model("wagtailcore", "Page")
    old, new = (ROOT_PAGE[1], ROOT_PAGE[0]) if reverse else ROOT_PAGE
    Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)


def to_polish(apps, schema_editor):
    rename(apps, schema_editor)


def to_english(apps, schema_editor):
    rename(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_collections_by_audience"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(to_polish, to_english)]
