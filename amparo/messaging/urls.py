from django.urls import path

from amparo.messaging import public, views

app_name = "messaging"
urlpatterns = [
    path("", views.broadcast_list, name="broadcast_list"),
    path("broadcasts/new/", views.broadcast_new, name="broadcast_new"),
    path("broadcasts/<int:pk>/", views.broadcast_detail, name="broadcast_detail"),
    path("broadcasts/<int:pk>/confirm/", views.broadcast_confirm, name="broadcast_confirm"),
    path("broadcasts/<int:pk>/approve/", views.broadcast_approve, name="broadcast_approve"),
    path("broadcasts/<int:pk>/cancel/", views.broadcast_cancel, name="broadcast_cancel"),
    path("messages/<int:pk>/decide/", views.message_decide, name="message_decide"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/check/", views.template_check, name="template_check"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_item, name="inbox_item"),
    path("channels/", views.channel_list, name="channel_list"),
    # Public: no login.
    path("c/<str:token>/", public.checkin, name="checkin"),
    path("hooks/<slug:key>/status/", public.hook_status, name="hook_status"),
    path("hooks/<slug:key>/inbound/", public.hook_inbound, name="hook_inbound"),
]
