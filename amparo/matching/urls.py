from django.urls import path

from amparo.matching import views

app_name = "matching"
urlpatterns = [
    path("review/", views.review_queue, name="review_queue"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/merge/", views.merge_pair, name="merge_pair"),
    path("pairs/<int:pk>/distinct/", views.distinct_pair, name="distinct_pair"),
    path("merges/<int:pk>/undo/", views.unmerge, name="unmerge"),
    path("check/", views.check, name="check"),
]
