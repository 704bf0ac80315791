from django import template

from members.links import public_links as _public_links

register = template.Library()


@register.simple_tag
def public_links() -> dict[str, str]:
    """``{% public_links as links %}``: rules, privacy clause, application form."""
    return _public_links()
