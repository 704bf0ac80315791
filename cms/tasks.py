"""Background tasks of the site (django-tasks: a database queue in production,
run at once in development and tests)."""

from django_tasks import task


@task()
def send_community_notice_emails(page_id: int) -> int:
    """E-mail the owners of a housing community about a published notice."""
    from cms.services import community_notice_send_emails

    return community_notice_send_emails(page_id=page_id)
