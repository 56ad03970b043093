from django.urls import path

from amparo.drills import views

app_name = "drills"
urlpatterns = [
    path("", views.drill_list, name="drill_list"),
    path("<int:pk>/", views.drill_detail, name="drill_detail"),
    path("<int:pk>/action/", views.drill_action, name="drill_action"),
    path("<int:pk>/join/", views.join, name="join"),
    path("leave/", views.leave, name="leave"),
    path("<int:pk>/report/", views.drill_report, name="drill_report"),
]
