from django.db import models


class Classification(models.TextChoices):
    """How far a record may travel beyond its owning organisation.

    internal: only people of the owning organisation.
    program: every member of the program, whatever their organisation.
    restricted: members of the owning organisation, and members of other organisations only
    while an NDA between the two organisations is in force and covers the program.
    """

    INTERNAL = "internal", "Internal"
    PROGRAM = "program", "Program"
    RESTRICTED = "restricted", "Restricted"
