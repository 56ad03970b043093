from django.urls import path, re_path

from amparo.portal import flows, staff, views

app_name = "portal"
LANG = r"(?P<lang>es|en|fr|ht|pt)"

urlpatterns = [
    path("", views.root, name="root"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/pages/new/", staff.page_create, name="staff_page_create"),
    path("staff/pages/<int:pk>/<str:language>/", staff.staff_page, name="staff_page"),
    path("staff/versions/<int:pk>/", staff.version_action, name="staff_version_action"),
    path("staff/registrations/", staff.registrations, name="staff_registrations"),
    path("staff/registrations/<int:pk>/", staff.registration_decide, name="staff_registration_decide"),
    path("staff/requests/", staff.requests_list, name="staff_requests"),
    path("staff/requests/<int:pk>/", staff.request_decide, name="staff_request_decide"),
    re_path(rf"^{LANG}/$", views.home, name="home"),
    re_path(rf"^{LANG}/services/$", views.services, name="services"),
    re_path(rf"^{LANG}/crisis/$", views.crisis_here, name="crisis"),
    re_path(rf"^{LANG}/crisis/(?P<crisis_id>[0-9]+)/report/$", flows.report, name="report"),
    re_path(rf"^{LANG}/report/who/$", flows.report_who, name="report_who"),
    re_path(rf"^{LANG}/code/$", flows.code, name="code"),
    re_path(rf"^{LANG}/register/$", flows.register, name="register"),
    re_path(rf"^{LANG}/me/$", flows.me, name="me"),
    re_path(rf"^{LANG}/me/change/$", flows.me_action, name="me_action"),
    re_path(rf"^{LANG}/(?P<cc>[A-Za-z]{{2}})/$", views.country, name="country"),
    re_path(rf"^{LANG}/(?P<cc>[A-Za-z]{{2}})/info/(?P<version_id>[0-9]+)/$", views.info, name="info"),
]
