from django.urls import path

from amparo.protection import views

app_name = "protection"
urlpatterns = [
    path("screenings/", views.screening_index, name="screening_index"),
    path("people/<int:person_pk>/screen/", views.screening_new, name="screening_new"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("screenings/<int:pk>/add-profile/", views.profile_add, name="profile_add"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion_decide"),
    path(
        "screenings/<int:screening_pk>/refer/<int:step_pk>/<int:service_pk>/",
        views.referral_new,
        name="referral_new",
    ),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/send/", views.referral_send, name="referral_send"),
    path("referrals/<int:pk>/status/", views.referral_transition, name="referral_transition"),
    path("referrals/<int:pk>/profiles-reviewed/", views.referral_profiles_reviewed, name="referral_profiles_reviewed"),
    path("services/", views.directory, name="directory"),
    path("services/map.geojson", views.directory_geojson, name="directory_geojson"),
    path("services/<int:pk>/capacity/", views.capacity_update, name="capacity_update"),
    path("directory/", views.directory_countries, name="directory_countries"),
    path("directory/<str:country>/", views.directory_country, name="directory_country"),
    path("directory/<str:country>/review/", views.directory_review, name="directory_review"),
]
