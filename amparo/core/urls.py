from django.urls import path

from amparo.core import views

app_name = "core"
urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("pickers/subdivisions/", views.picker_subdivisions, name="picker_subdivisions"),
    path("pickers/places/", views.picker_places, name="picker_places"),
    path("pickers/users/", views.picker_users, name="picker_users"),
]
