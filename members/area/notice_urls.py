"""Included by the project's URL configuration (cms/urls.py) at
/iok/ogloszenia-wspolnot/, outside the ``members`` namespace: the name
``community-notices`` is used by the cms page templates."""

from django.urls import path

from .notice_views import community_notices

urlpatterns = [
    path("", community_notices, name="community-notices"),
]
