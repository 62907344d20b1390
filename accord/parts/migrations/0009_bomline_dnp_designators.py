from django.db import migrations, models
from django.db.models import F


def not_fitted_from_dnp(apps, schema_editor):
    """A DNP line's designators are all not fitted."""
    BomLine = apps.get_model("parts", "BomLine")
    BomLine.objects.filter(dnp=True).update(
        dnp_designators=F("designators"), dnp_designator_count=F("designator_count")
    )


class Migration(migrations.Migration):
    dependencies = [("parts", "0008_part_owner_classification")]

    operations = [
        migrations.AddField(
            model_name="bomline",
            name="dnp_designators",
            field=models.TextField(blank=True, verbose_name="Not fitted"),
        ),
        migrations.AddField(
            model_name="bomline",
            name="dnp_designator_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="bomline",
            name="dnp",
            field=models.BooleanField(
                default=False,
                help_text="Do not populate: none of the line's designators is fitted.",
                verbose_name="DNP",
            ),
        ),
        migrations.RunPython(not_fitted_from_dnp, migrations.RunPython.noop),
    ]
