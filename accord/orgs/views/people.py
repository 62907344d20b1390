"""People pages: an organisation's people and invitations, and the sign-up page an invitation
link opens. Administrators add, edit, deactivate and invite; everyone sees their colleagues."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Case, CharField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, Conflict, Forbidden, InvalidInput
from accord.orgs import services
from accord.orgs.access import (
    events_for_object,
    get_invitation_for_user,
    get_person_for_user,
    invitations_visible_to,
    people_visible_to,
)
from accord.orgs.forms import InvitationForm, PersonForm, SignupForm
from accord.orgs.models import Invitation, Person
from accord.orgs.services import IssuedInvitation
from accord.web.pages import form_page, one_time_link_page
from accord.web.tables import export_table, paginate, parse_sort, person, requested_export

PEOPLE_SORTS = {
    "name": "last_name",
    "username": "username",
    "role": "role",
    "status": "state",
    "admin": "is_org_admin",
    "signer": "can_sign_agreements",
}
PERSON_EVENTS = 30


def _state() -> Case:
    return Case(
        When(is_active=False, then=Value("Deactivated")),
        # Django marks an unusable password with this prefix (UNUSABLE_PASSWORD_PREFIX).
        When(password__startswith=UNUSABLE_PASSWORD_PREFIX, then=Value("Invited, no password yet")),
        default=Value("Active"),
        output_field=CharField(),
    )


@login_required
@require_http_methods(["GET"])
def people_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    sort, order = parse_sort(request, PEOPLE_SORTS, "name")
    people = people_visible_to(user).annotate(state=_state()).order_by(order, "first_name", "pk")
    query = request.GET.get("q", "").strip()[:100]
    for word in query.split()[:5]:
        people = people.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(title__icontains=word)
        )
    fmt = requested_export(request)
    if fmt:
        headers = [
            "Name",
            "Username",
            "E-mail",
            "Role",
            "Title",
            "Administrator",
            "May sign agreements",
            "Status",
        ]
        rows = (
            [
                str(p),
                p.username,
                p.email,
                p.get_role_display(),
                p.title,
                p.is_org_admin,
                p.can_sign_agreements,
                p.state,
            ]
            for p in people.iterator(chunk_size=2000)
        )
        return export_table(fmt, "people", headers, rows)
    now = timezone.now()
    pending = [
        i for i in invitations_visible_to(user).filter(accepted_at__isnull=True, revoked_at=None)
    ]
    context = {
        "sort": sort,
        "q": query,
        "page_obj": paginate(request, people),
        "is_admin": user.is_org_admin,
        "invitations": [(i, i.state_on(now)) for i in pending],
    }
    return render(request, "orgs/people_list.html", context)


def _link_page(
    request: HttpRequest, issued: IssuedInvitation, *, title: str, lede: str
) -> HttpResponse:
    return one_time_link_page(
        request,
        invitation=issued.invitation,
        path=issued.path,
        title=title,
        lede=lede,
        next_url=reverse("people_list"),
        next_label="Back to people",
    )


def _require_admin(user: Person) -> None:
    if not user.is_org_admin:
        raise Forbidden("Only an administrator of your organisation can manage its people.")


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """An administrator adds a colleague, who then sets a password through a one-time link."""
    user = person(request)
    _require_admin(user)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assert user.organisation is not None
        try:
            created, issued = services.add_person(
                actor=user, organisation=user.organisation, **data
            )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            return _link_page(
                request,
                issued,
                title=f"{created} is added",
                lede=f"{created} can sign in as {created.username} once they have chosen a "
                "password through this link.",
            )
    return form_page(
        request,
        title="Add a person",
        lede="They receive a one-time link to choose their password.",
        form=form,
        action=reverse("person_create"),
        submit="Add person",
        cancel_url=reverse("people_list"),
        breadcrumbs=[("People", reverse("people_list"))],
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    """Invite someone by e-mail address: they choose their username when they sign up."""
    user = person(request)
    _require_admin(user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invite_person(actor=user, **form.cleaned_data)
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            return _link_page(
                request,
                issued,
                title=f"{issued.invitation.email} is invited",
                lede="They choose their username and password through this link.",
            )
    return form_page(
        request,
        title="Invite someone",
        lede=f"Invitations are valid for {settings.ACCORD_INVITATION_DAYS} days and work once.",
        form=form,
        action=reverse("person_invite"),
        submit="Create the invitation",
        cancel_url=reverse("people_list"),
        breadcrumbs=[("People", reverse("people_list"))],
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A colleague; administrators edit them here (POST)."""
    user = person(request)
    target = get_person_for_user(user, pk, write=request.method == "POST")
    initial = {name: getattr(target, name) for name in services.people.PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_person(actor=user, person=target, **form.cleaned_data)
            except FORM_ERRORS as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Saved the changes to {target}.")
                return redirect("person_detail", target.pk)
        status = 422
    context = {
        "subject": target,
        "form": form if user.is_org_admin else None,
        "is_admin": user.is_org_admin,
        "is_self": target.pk == user.pk,
        "events": events_for_object(user, target).select_related("organisation")[:PERSON_EVENTS],
    }
    return render(request, "orgs/person_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deactivates (administrators)."""
    user = person(request)
    target = get_person_for_user(user, pk, write=True)
    if request.method == "POST":
        try:
            services.deactivate_person(actor=user, person=target)
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{target} is deactivated: signed out everywhere, API tokens revoked.",
            )
        return redirect("person_detail", target.pk)
    return render(request, "orgs/person_deactivate_confirm.html", {"subject": target})


@login_required
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    target = get_person_for_user(user, pk, write=True)
    try:
        services.reactivate_person(actor=user, person=target)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{target} can sign in again.")
    return redirect("person_detail", target.pk)


@login_required
@require_POST
def person_signing_right(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator grants (allowed=yes) or withdraws (allowed=no) a colleague's right to
    sign agreements for the organisation, their own included."""
    user = person(request)
    target = get_person_for_user(user, pk, write=True)
    allowed = request.POST.get("allowed", "").strip().lower()
    if allowed not in {"yes", "no"}:
        raise InvalidInput("Choose yes or no.", detail={"field": "allowed"})
    try:
        services.set_signing_right(actor=user, person=target, allowed=allowed == "yes")
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        if allowed == "yes":
            messages.success(request, f"{target} may sign agreements for {target.organisation}.")
        else:
            messages.success(request, f"{target} may no longer sign agreements.")
    back = request.POST.get("next", "")
    if back == "person":
        return redirect("person_detail", target.pk)
    return redirect(reverse("people_list") + "#people")


@login_required
@require_POST
def person_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """A new one-time link for a colleague who has not chosen a password yet."""
    user = person(request)
    target = get_person_for_user(user, pk, write=True)
    try:
        issued = services.reissue_invitation(actor=user, person=target)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
        return redirect("person_detail", target.pk)
    return _link_page(
        request,
        issued,
        title=f"A new link for {target}",
        lede="The previous link no longer works.",
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    invitation = get_invitation_for_user(user, pk)
    try:
        services.revoke_invitation(actor=user, invitation=invitation)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation of {invitation.email} is withdrawn.")
    return redirect(reverse("people_list") + "#invitations")


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, secret: str) -> HttpResponse:
    """The page a one-time invitation link opens: choose a username (unless an administrator
    chose it) and a password, then you are signed in."""
    try:
        invitation: Invitation = services.invitation_for_secret(secret)
    except FORM_ERRORS as error:
        status = 404 if error.http_status == 404 else 410
        return render(request, "web/error.html", {"error": error}, status=status)
    if request.user.is_authenticated and request.method == "POST":
        logout(request)  # whoever was signed in here, the link makes a new session
    fixed = invitation.person is not None
    initial = {"first_name": invitation.first_name, "last_name": invitation.last_name}
    form = SignupForm(request.POST or None, initial=initial, username_fixed=fixed)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                joined = services.accept_invitation(
                    secret=secret,
                    password=data["password"],
                    username=data.get("username", ""),
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                )
            except FORM_ERRORS as error:
                detail = error.detail if isinstance(error.detail, dict) else {}
                field = detail.get("field")
                form.add_error(field if field in form.fields else None, error.message)
            else:
                login(request, joined, backend="accord.orgs.auth.PersonBackend")
                messages.success(request, f"Welcome to {invitation.organisation}, {joined}.")
                return redirect("dashboard")
        status = 422
    context = {"invitation": invitation, "form": form, "signed_in_as": request.user}
    response = render(request, "orgs/signup.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
