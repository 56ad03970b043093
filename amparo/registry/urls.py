from django.urls import path

from amparo.registry import views

app_name = "registry"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/export.<str:fmt>", views.person_export, name="person_export"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/consent/", views.person_consent, name="person_consent"),
    path("people/<int:pk>/consent/<str:purpose>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("people/<int:pk>/location/", views.person_location, name="person_location"),
    path("people/<int:pk>/contacts/", views.person_contact, name="person_contact"),
    path("people/<int:pk>/contacts/<int:contact_pk>/remove/", views.contact_remove, name="contact_remove"),
    path("people/<int:pk>/documents/", views.person_document, name="person_document"),
    path("people/<int:pk>/household/", views.person_household, name="person_household"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/columns/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("import/<int:pk>/rejected.csv", views.import_report, name="import_report"),
]
