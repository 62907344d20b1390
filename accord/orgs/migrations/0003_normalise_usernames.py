"""Usernames are stored normalised (NFKC, case-folded, trimmed: accord.core.text), the spelling
sign-in looks up. People created before keep working: their usernames are rewritten, unless
two people would end up with the same one (then both keep theirs, and the migration says so)."""

from collections import Counter

from django.db import migrations


def normalise(apps, schema_editor):
    from accord.core.text import normalise_username

    Person = apps.get_model("orgs", "Person")
    people = list(Person.objects.only("pk", "username"))
    counts = Counter(normalise_username(p.username) for p in people)
    for person in people:
        wanted = normalise_username(person.username)
        if wanted == person.username:
            continue
        if counts[wanted] > 1 or not wanted:
            print(f"\n  username {person.username!r} kept: {wanted!r} would not be unique")
            continue
        Person.objects.filter(pk=person.pk).update(username=wanted)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_workspace_management")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
