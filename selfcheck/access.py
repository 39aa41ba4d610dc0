from django.http import Http404, HttpRequest

from .models import Round


def visible_round(request: HttpRequest, pk: int) -> Round:
    """The round if the user may see it (participants, the municipality's coordinators, staff);
    else 404."""
    round_ = (
        Round.objects.visible_to(request.user)
        .select_related("municipality", "questionnaire")
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_
