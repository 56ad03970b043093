from django.urls import path

from amparo.crises import views

app_name = "crises"
urlpatterns = [
    path("", views.crisis_list, name="crisis_list"),
]
