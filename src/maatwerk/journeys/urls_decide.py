from django.urls import path

from . import views_decide

urlpatterns = [
    path("inbox/", views_decide.inbox, name="inbox"),
    path("inbox/<int:pk>/", views_decide.decide, name="decide"),
]
