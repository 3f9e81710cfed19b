"""The peer's URLs: only the survey app, as its documentation sets it up."""

from django.urls import include, path

urlpatterns = [path("survey/", include("survey.urls"))]
