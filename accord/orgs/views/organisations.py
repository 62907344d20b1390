"""The organisation page: its Accord ID, the organisations it works with (connections), and, for
administrators, creating a partner organisation or inviting one already on Accord."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, Forbidden
from accord.core.text import possessive
from accord.orgs import services
from accord.orgs.access import connections_visible_to, get_connection_for_user
from accord.orgs.choices import ConnectionStatus
from accord.orgs.forms import InviteOrganisationForm, PartnerOrganisationForm
from accord.web.pages import form_page, one_time_link_page
from accord.web.tables import person

PARTNERS_ANCHOR = "#partners"


@login_required
@require_GET
def organisation_page(request: HttpRequest) -> HttpResponse:
    user = person(request)
    connections = list(connections_visible_to(user).order_by("-created_at", "-pk"))
    own = user.organisation_id or 0
    rows = [(c, c.other(own), "sent" if c.inviter_id == own else "received") for c in connections]
    context = {
        "organisation": user.organisation,
        "rows": rows,
        "is_admin": user.is_org_admin,
        "invite_form": InviteOrganisationForm() if user.is_org_admin else None,
        "pending": ConnectionStatus.PENDING,
    }
    return render(request, "orgs/organisation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    """A new organisation on Accord with its first administrator, connected with yours."""
    user = person(request)
    if not user.is_org_admin:
        raise Forbidden("Only an administrator can create partner organisations.")
    form = PartnerOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation, admin, issued = services.create_partner_organisation(
                actor=user,
                name=data["name"],
                kind=data["kind"],
                country=data["country"],
                website=data["website"],
                admin_username=data["admin_username"],
                admin_email=data["admin_email"],
                admin_first_name=data["admin_first_name"],
                admin_last_name=data["admin_last_name"],
            )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            return one_time_link_page(
                request,
                invitation=issued.invitation,
                path=issued.path,
                title=f"{organisation} is on Accord",
                lede=f"{organisation} is connected with {user.organisation}: you can add it "
                f"to your programs. Its administrator {admin} ({admin.username}) signs in once "
                "they have chosen a password through this link.",
                next_url=reverse("organisation_page") + PARTNERS_ANCHOR,
                next_label="Back to your partners",
            )
    return form_page(
        request,
        title="Create a partner organisation",
        lede="For an EMS, supplier or distributor that is not on Accord yet. You name its "
        "first administrator, who then manages its people.",
        form=form,
        action=reverse("partner_create"),
        submit="Create the organisation",
        cancel_url=reverse("organisation_page") + PARTNERS_ANCHOR,
        breadcrumbs=[("Organisation", reverse("organisation_page"))],
    )


@login_required
@require_POST
def connection_invite(request: HttpRequest) -> HttpResponse:
    user = person(request)
    if not user.is_org_admin:
        raise Forbidden("Only an administrator can invite organisations.")
    form = InviteOrganisationForm(request.POST)
    if form.is_valid():
        try:
            connection = services.invite_organisation(actor=user, **form.cleaned_data)
        except FORM_ERRORS as error:
            messages.error(request, error.message)
        else:
            other = connection.other(user.organisation_id or 0)
            if connection.status == ConnectionStatus.ACCEPTED:
                messages.success(request, f"You are now connected with {other}.")
            else:
                messages.success(request, f"Invitation sent to {other}.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("organisation_page") + PARTNERS_ANCHOR)


@login_required
@require_POST
def connection_answer(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    user = person(request)
    connection = get_connection_for_user(user, pk, write=True)
    try:
        services.answer_connection(actor=user, connection=connection, accept=accept)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        other = connection.other(user.organisation_id or 0)
        answer = (
            f"Connected with {other}." if accept else f"Declined {possessive(other)} invitation."
        )
        messages.success(request, answer)
    return redirect(reverse("organisation_page") + PARTNERS_ANCHOR)
