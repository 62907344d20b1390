"""Search understands values: Part.value_keys, filled for the parts stored before, indexed.

The keys of existing parts are computed with Polars in batches (value_keys.refresh_value_keys,
given the historical model); search_text gains the package, which refresh_part_rollups now
writes, so that "100n 0402" finds a part whose package alone says 0402.
"""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Concat, Lower


def fill_value_keys(apps, schema_editor):
    from accord.parts.value_keys import refresh_value_keys

    Part = apps.get_model("parts", "Part")
    refresh_value_keys(Part.objects.order_by("pk").values_list("pk", flat=True), parts=Part)
    Part.objects.exclude(package="").update(
        search_text=Concat(
            F("search_text"),
            Value(" "),
            Lower(F("package")),
            output_field=models.TextField(),
        )
    )


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS parts_part_value_keys_trgm "
        "ON parts_part USING gin (value_keys gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS parts_part_value_keys_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("parts", "0006_background_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="part",
            name="value_keys",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The part's values as exact keys for search (accord/parts/value_keys.py).",
            ),
        ),
        migrations.RunPython(fill_value_keys, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
