from typing import Any

from .models import Post


def member_export(user) -> list[dict[str, Any]]:
    """The member's part of /profil/daten/: the posts they are named as an author of.

    The posts themselves stay when the account goes; only the author entry disappears.
    """
    return [
        {
            "titel": post.title,
            "status": post.get_status_display(),
            "veroeffentlicht_am": post.published_at.isoformat(),
            "adresse": post.get_absolute_url(),
        }
        for post in Post.objects.filter(authors=user).order_by("published_at")
    ]
