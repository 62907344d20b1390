"""`accord threads` and `accord actions`: the same services and access as the pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accord.threads.models import ActionItem, Post
from accord.threads.tests.sample import driver_thread


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_threads_and_actions_from_the_command_line(people, parts):
    thread = driver_thread(people)
    listed = _run("threads", "list", "EBX2", "--as", "oem_engineer")
    assert "Driver lead time for EVT-2" in listed
    opened = _run(
        "threads",
        "open",
        "EBX2",
        "--kind",
        "part",
        "--subject",
        str(parts["HAL-200-0001"].pk),
        "--title",
        "nRF5340 allocation",
        "--as",
        "oem_buyer",
    )
    assert opened.startswith("Opened thread")
    _run("threads", "post", str(thread.pk), "--body", "Holding 12 weeks", "--as", "supplier_rep")
    assert Post.objects.get(thread=thread).author == people.supplier_rep
    due = (timezone.now() + dt.timedelta(days=10)).date().isoformat()
    _run(
        "actions",
        "add",
        str(thread.pk),
        "--title",
        "Send the forecast",
        "--owner",
        "supplier_rep",
        "--due",
        due,
        "--as",
        "oem_buyer",
    )
    item = ActionItem.objects.get()
    assert "Send the forecast" in _run("actions", "list", "--as", "supplier_rep")
    with pytest.raises(CommandError, match="owner or its creator"):
        _run("actions", "done", str(item.pk), "--as", "oem_engineer")
    with pytest.raises(CommandError, match="Not found"):
        _run("threads", "post", str(thread.pk), "--body", "hi", "--as", "nda_expired_partner")
    _run("actions", "done", str(item.pk), "--as", "supplier_rep")
    item.refresh_from_db()
    assert item.status == "done"
