"""Page-number pagination: one COUNT and one sliced SELECT, whatever the number of rows."""

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from accord.api.schemas import InputSchema

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Far beyond any real list, small enough that OFFSET never overflows a 64-bit integer.
MAX_PAGE = 1_000_000


class PageParams(InputSchema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1 is the first page.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE}."
    )


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    results: list[T]
    next: str | None
    previous: str | None


def _with_stable_order(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Slices of an ordering with ties can repeat or skip rows; the primary key breaks ties."""
    ordering = list(qs.query.order_by) or list(qs.model._meta.ordering)
    if not any(str(f).lstrip("-") in {"pk", "id"} for f in ordering):
        ordering.append("pk")
    return qs.order_by(*ordering)


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    qs: QuerySet[Any],
    params: PageParams,
    rows: Callable[[Sequence[Model]], Sequence[Any]] | None = None,
) -> dict[str, Any]:
    """The page envelope. `rows` may turn the page's objects into output rows in bulk."""
    count = qs.count()
    start = (params.page - 1) * params.page_size
    items: Sequence[Any] = list(_with_stable_order(qs)[start : start + params.page_size])
    if rows is not None:
        items = rows(items)
    has_next = start + params.page_size < count
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "results": items,
        "next": _page_url(request, params.page + 1) if has_next else None,
        "previous": _page_url(request, params.page - 1) if params.page > 1 else None,
    }


def paginate_rows(
    request: HttpRequest,
    rows: Sequence[Any],
    params: PageParams,
    prepare: Callable[[list[Any]], Sequence[Any]] | None = None,
) -> dict[str, Any]:
    """The page envelope over rows already computed in order (e.g. an exploded BOM); `prepare`
    completes the page's rows only (e.g. loads their sources in one query)."""
    count = len(rows)
    start = (params.page - 1) * params.page_size
    items: Sequence[Any] = list(rows[start : start + params.page_size])
    if prepare is not None and items:
        items = prepare(list(items))
    has_next = start + params.page_size < count
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "results": items,
        "next": _page_url(request, params.page + 1) if has_next else None,
        "previous": _page_url(request, params.page - 1) if params.page > 1 else None,
    }
