from django.urls import path

from amparo.tracing import views

app_name = "tracing"
urlpatterns = [
    path("", views.inquiry_list, name="inquiry_list"),
    path("new/", views.inquiry_create, name="inquiry_create"),
    path("<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("<int:pk>/close/", views.inquiry_close, name="inquiry_close"),
    path("<int:pk>/approve-deceased/", views.inquiry_approve_deceased, name="inquiry_approve_deceased"),
    path("candidates/<int:pk>/<str:decision>/", views.candidate_decide, name="candidate_decide"),
    path("consents/<int:pk>/answer/", views.consent_answer, name="consent_answer"),
    path("consents/<int:pk>/disclose/", views.disclose, name="disclose"),
    path("people/<int:person_id>/notes/", views.note_create, name="note_create"),
]
