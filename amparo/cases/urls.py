from django.urls import path

from amparo.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("overdue/", views.overdue, name="overdue"),
    path("open/", views.case_search, name="case_search"),
    path("open/<int:person_pk>/", views.case_open, name="case_open"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("follow-ups/", views.follow_ups_due, name="follow_ups_due"),
    path("<int:pk>/step/", views.case_step, name="case_step"),
    path("<int:pk>/assessment/", views.case_assess, name="case_assess"),
    path("<int:pk>/profiles-reviewed/", views.case_profiles_reviewed, name="case_profiles_reviewed"),
    path("actions/<int:pk>/refer/", views.action_refer, name="action_refer"),
    path("<int:pk>/close/", views.case_close, name="case_close"),
    path("<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("<int:pk>/review/", views.case_review, name="case_review"),
    path("<int:pk>/transfer/", views.case_transfer, name="case_transfer"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/finish/", views.action_finish, name="action_finish"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
