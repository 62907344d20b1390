"""Questions asked in threads and their answers, set-based (three queries and Polars joins), for
the responsiveness of the scorecards (scorecards/queries.py, scorecards/customers.py).

A question is one organisation asking another:

- a mention: a shared post mentioning people of another organisation is one question to each
  organisation mentioned (two people of the same organisation in one post: one question),
  asked when the post was written (a mention added by an edit counts from the post's time);
- an action item given to a person of another organisation than its creator's, asked when it
  was created (to the organisation of its owner now).

Its answer is the first shared post in the same thread by a person of the asked organisation
after it was asked. Internal notes are never questions nor answers: only the author's
organisation sees them. An action item is also answered when a person of the owner's
organisation closes it (done or cancelled: doing it, or declining it, is an answer), whichever
comes first; that is the only answer an item without a thread (from a check-in or a finding)
can have. An item the asking side closes itself (it cancelled it, or marked it done) was
withdrawn: it is counted only if it had been answered before it was closed, else not at all,
neither answered nor missed. A question never answered stays unanswered (the scorecard counts
it as missed once its SLA has passed: metrics.responsiveness).

Who is whose supplier. A card of suppliers counts the questions its organisation asked its
suppliers; a card of customers, those it asked its customers. In a thread of a program, the
program's owner is everybody's customer, and a partner that sells (a supplier, a distributor)
is the supplier of the other partners (an EMS buys from them): the asked organisation is a
`supplier` of the asking one when it stands further from the owner (owner, then partners that
do not sell, then sellers), a `customer` when it stands nearer, and neither between two of a
kind (two suppliers), whose questions count on no card.

Need-to-know: only the asking organisation's own questions (threads/access.py
mentions_asked_by, action_items_asked_by) and the shared posts of others in the threads where
it asked (shared_replies_to) are read.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from accord.core.db import frame_of_query
from accord.orgs.choices import OrganisationKind
from accord.threads.access import action_items_asked_by, mentions_asked_by, shared_replies_to
from accord.threads.models import ActionStatus

MENTION = "mention"
ACTION_ITEM = "action_item"
SUPPLIER = "supplier"
CUSTOMER = "customer"

_UTC = pl.Datetime("us", "UTC")

QUESTION_SCHEMA: dict[str, Any] = {
    "kind": pl.String,  # MENTION or ACTION_ITEM
    "question_id": pl.Int64,  # the post's or the item's id
    "thread_id": pl.Int64,  # null for an item without a thread
    "asking_id": pl.Int64,
    "rated_id": pl.Int64,  # the asked organisation
    "relation": pl.String,  # SUPPLIER, CUSTOMER or null: what the asked is to the asking
    "asked_at": _UTC,
    "answered_at": _UTC,  # null while unanswered
    "withdrawn": pl.Boolean,  # an item the asking side closed before any answer
}


def _distance(organisation: str, kind: str) -> pl.Expr:
    """How far from the program's owner: 0 the owner, 1 a partner that does not sell, 2 a
    seller."""
    return (
        pl.when(pl.col(organisation) == pl.col("owner_id"))
        .then(0)
        .when(pl.col(kind).is_in(sorted(OrganisationKind.sellers())))
        .then(2)
        .otherwise(1)
    )


def _relation() -> pl.Expr:
    asking, asked = _distance("asking_id", "asking_kind"), _distance("rated_id", "asked_kind")
    return (
        pl.when(asked > asking)
        .then(pl.lit(SUPPLIER))
        .when(asked < asking)
        .then(pl.lit(CUSTOMER))
        .otherwise(pl.lit(None, pl.String))
    )


def _mentions(asking_id: int, rated_id: int | None) -> pl.DataFrame:
    mentions = mentions_asked_by(asking_id)
    if rated_id is not None:
        mentions = mentions.filter(person__organisation_id=rated_id)
    frame = frame_of_query(
        mentions.order_by().values_list(
            "post_id",
            "post__thread_id",
            "post__thread__program__owner_id",
            "post__author_organisation__kind",
            "person__organisation_id",
            "person__organisation__kind",
            "post__created_at",
        ),
        {
            "question_id": pl.Int64,
            "thread_id": pl.Int64,
            "owner_id": pl.Int64,
            "asking_kind": pl.String,
            "rated_id": pl.Int64,
            "asked_kind": pl.String,
            "asked_at": _UTC,
        },
    )
    return frame.unique(["question_id", "rated_id"]).with_columns(
        pl.lit(MENTION).alias("kind"),
        pl.lit(None, _UTC).alias("closed_at"),
        pl.lit(False).alias("closed_by_asked"),
    )


def _action_items(asking_id: int, rated_id: int | None) -> pl.DataFrame:
    items = action_items_asked_by(asking_id)
    if rated_id is not None:
        items = items.filter(owner__organisation_id=rated_id)
    frame = frame_of_query(
        items.order_by().values_list(
            "pk",
            "thread_id",
            "program__owner_id",
            "created_by__organisation__kind",
            "owner__organisation_id",
            "owner__organisation__kind",
            "created_at",
            "status",
            "closed_at",
            "closed_by__organisation_id",
        ),
        {
            "question_id": pl.Int64,
            "thread_id": pl.Int64,
            "owner_id": pl.Int64,
            "asking_kind": pl.String,
            "rated_id": pl.Int64,
            "asked_kind": pl.String,
            "asked_at": _UTC,
            "status": pl.String,
            "closed_at": _UTC,
            "closer_id": pl.Int64,
        },
    )
    closed = pl.col("status").ne(ActionStatus.OPEN.value) & pl.col("closed_at").is_not_null()
    return frame.with_columns(
        pl.lit(ACTION_ITEM).alias("kind"),
        pl.when(closed).then(pl.col("closed_at")).otherwise(None).alias("closed_at"),
        (closed & pl.col("closer_id").eq(pl.col("rated_id")).fill_null(False)).alias(
            "closed_by_asked"
        ),
    ).drop("status", "closer_id")


def _replies(asking_id: int, rated_id: int | None) -> pl.DataFrame:
    replies = shared_replies_to(asking_id)
    if rated_id is not None:
        replies = replies.filter(author_organisation_id=rated_id)
    return frame_of_query(
        replies.order_by().values_list("thread_id", "author_organisation_id", "created_at"),
        {"thread_id": pl.Int64, "rated_id": pl.Int64, "replied_at": _UTC},
    )


def thread_questions(asking_id: int, rated_id: int | None = None) -> pl.DataFrame:
    """Every question the organisation asked another in threads (of one asked organisation,
    when given), with its first answer (QUESTION_SCHEMA; see the module's docstring)."""
    columns = [
        "kind",
        "question_id",
        "thread_id",
        "owner_id",
        "asking_kind",
        "rated_id",
        "asked_kind",
        "asked_at",
        "closed_at",
        "closed_by_asked",
    ]
    questions = pl.concat(
        [
            _mentions(asking_id, rated_id).select(columns),
            _action_items(asking_id, rated_id).select(columns),
        ],
        how="vertical",
    )
    if questions.is_empty():
        return pl.DataFrame(schema=QUESTION_SCHEMA)
    replies = _replies(asking_id, rated_id).sort("replied_at")
    # Each question's first reply strictly after it, in its thread, by the asked organisation
    # (an item without a thread finds none: a null key matches nothing).
    answered = (
        questions.sort("asked_at")
        .join_asof(
            replies,
            left_on="asked_at",
            right_on="replied_at",
            by=["thread_id", "rated_id"],
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,  # both sorted on their time above
        )
        .with_columns(
            pl.min_horizontal(
                "replied_at",
                pl.when(pl.col("closed_by_asked")).then(pl.col("closed_at")).otherwise(None),
            ).alias("answered_at")
        )
    )
    # Closed by the asking side: withdrawn, unless it had been answered by then.
    withdrawn = (
        pl.col("closed_at").is_not_null()
        & ~pl.col("closed_by_asked")
        & (pl.col("answered_at").is_null() | (pl.col("answered_at") > pl.col("closed_at")))
    )
    return (
        answered.with_columns(pl.lit(asking_id, pl.Int64).alias("asking_id"))
        .with_columns(_relation().alias("relation"), withdrawn.alias("withdrawn"))
        .with_columns(
            pl.when(pl.col("withdrawn"))
            .then(None)
            .otherwise(pl.col("answered_at"))
            .alias("answered_at")
        )
        .select(list(QUESTION_SCHEMA))
        .cast(QUESTION_SCHEMA)  # type: ignore[arg-type]
        .sort("asked_at", "kind", "question_id", "rated_id")
    )


def thread_requests(
    asking_id: int, relation: str, rated_id: int | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The questions the organisation asked its suppliers (relation SUPPLIER) or its customers
    (CUSTOMER): all of them, withdrawn ones too (for the rows behind a number), and the
    requests the scorecard counts (rated_id, asked_at, answered_at)."""
    questions = thread_questions(asking_id, rated_id).filter(pl.col("relation") == relation)
    counted = questions.filter(~pl.col("withdrawn")).select("rated_id", "asked_at", "answered_at")
    return questions, counted


def refresh_cards_of_askers(thread_id: int, answering_id: int) -> None:
    """Inside a service's transaction: a shared post of `answering_id` may answer questions
    other organisations asked in the thread; their cards' open months are computed again once
    it commits (scorecards/services.refresh_cards_after: nothing when they keep no card)."""
    from accord.scorecards.services import refresh_cards_after
    from accord.threads.models import ActionItem, Post

    posters = Post.objects.filter(thread_id=thread_id, internal=False).values_list(
        "author_organisation_id", flat=True
    )
    givers = ActionItem.objects.filter(thread_id=thread_id).values_list(
        "created_by__organisation_id", flat=True
    )
    askers = {pk for pk in (*posters.distinct(), *givers.distinct()) if pk}
    askers.discard(answering_id)
    if askers:
        refresh_cards_after(askers)
