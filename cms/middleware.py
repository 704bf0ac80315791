"""Polish first: the site speaks Polish unless the visitor chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a
resident whose phone is set to English would get an English site they never asked
for. Here only an explicit choice (the language cookie set by Django's
``set_language`` view) switches the language.
"""

from django.conf import settings
from django.utils import translation


class PolishFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
