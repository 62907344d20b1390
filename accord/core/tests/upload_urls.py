"""A URL configuration for test_deploy.py: one view that reads the request body, as forms do."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def read_form(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{len(request.POST)} fields, {len(request.FILES)} files")


urlpatterns = [path("upload/", read_form, name="test_upload")]
