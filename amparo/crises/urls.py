from django.urls import path

from amparo.crises import views

app_name = "crises"
urlpatterns = [
    path("", views.crisis_list, name="crisis_list"),
    path("new/", views.crisis_create, name="crisis_create"),
    path("preview-count/", views.preview_count, name="preview_count"),
    path("import-cap/", views.cap_import, name="cap_import"),
    path("<int:pk>/", views.crisis_detail, name="crisis_detail"),
    path("<int:pk>/edit/", views.crisis_edit, name="crisis_edit"),
    path("<int:pk>/summary/", views.crisis_summary, name="crisis_summary"),
    path("<int:pk>/points.json", views.crisis_points, name="crisis_points"),
    path("<int:pk>/areas.json", views.crisis_areas, name="crisis_areas"),
    path("<int:pk>/affected/", views.affected_list, name="affected_list"),
    path("<int:pk>/affected.csv", views.affected_export, name="affected_export"),
    path("<int:pk>/counts.csv", views.counts_export, name="counts_export"),
    path("<int:pk>/welfare/<int:person_id>/", views.welfare_detail, name="welfare_detail"),
    path("<int:pk>/alert-level/", views.alert_level, name="alert_level"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
]
