from django.urls import path

from amparo.core import views

app_name = "core"
urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home, name="home"),
    path("health/", views.health, name="health"),
]
