from django.urls import path

from accord.agreements import copy_views, flex_views, invoice_views, rfq_views, views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/terms/", views.agreement_terms, name="agreement_terms"),
    path("agreements/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/<int:pk>/diff/", views.agreement_diff, name="agreement_diff"),
    path("agreements/<int:pk>/retire/", views.agreement_retire, name="agreement_retire"),
    path("agreements/<int:pk>/reinstate/", views.agreement_reinstate, name="agreement_reinstate"),
    path(
        "agreements/<int:pk>/check-copy/",
        copy_views.agreement_copy_check,
        name="agreement_copy_check",
    ),
    path(
        "agreements/<int:pk>/versions/<int:number>/",
        views.agreement_version,
        name="agreement_version",
    ),
    path("rfqs/", rfq_views.rfq_list, name="rfq_list"),
    path("rfqs/new/", rfq_views.rfq_create, name="rfq_create"),
    path("rfqs/<int:pk>/", rfq_views.rfq_detail, name="rfq_detail"),
    path("rfqs/<int:pk>/invite/", rfq_views.rfq_invite, name="rfq_invite"),
    path("rfqs/<int:pk>/quote/", rfq_views.rfq_quote, name="rfq_quote"),
    path("rfqs/<int:pk>/quotes/<int:quote_pk>/award/", rfq_views.rfq_award, name="rfq_award"),
    path("rfqs/<int:pk>/close/", rfq_views.rfq_close, name="rfq_close"),
    path(
        "rfqs/<int:pk>/quotes/<int:quote_pk>/withdraw/",
        rfq_views.rfq_quote_withdraw,
        name="rfq_quote_withdraw",
    ),
    path("agreements/<int:pk>/invoices/", invoice_views.invoice_list, name="invoice_list"),
    path("agreements/<int:pk>/invoices/new/", invoice_views.invoice_create, name="invoice_create"),
    path(
        "agreements/<int:pk>/fee-requests/new/",
        invoice_views.fee_request_create,
        name="fee_request_create",
    ),
    path("invoices/<int:pk>/", invoice_views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/payment/", invoice_views.invoice_payment, name="invoice_payment"),
    path("invoices/<int:pk>/withdraw/", invoice_views.invoice_withdraw, name="invoice_withdraw"),
    path(
        "fee-requests/<int:pk>/cancel/",
        invoice_views.fee_request_cancel,
        name="fee_request_cancel",
    ),
    path("agreements/<int:pk>/flex/", flex_views.flex_exceptions, name="flex_exceptions"),
    path("agreements/<int:pk>/flex/check/", flex_views.flex_check, name="flex_check"),
    path("agreements/<int:pk>/change-check/", flex_views.change_check, name="change_check"),
    path(
        "flex-exceptions/<int:pk>/accept/",
        flex_views.flex_exception_accept,
        name="flex_exception_accept",
    ),
    path(
        "flex-exceptions/<int:pk>/decline/",
        flex_views.flex_exception_decline,
        name="flex_exception_decline",
    ),
]
