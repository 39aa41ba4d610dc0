"""Who runs an event: staff, the group Organisation, and the organisers named on the event."""

import rules

is_organisation = rules.is_group_member("Organisation")


@rules.predicate
def organises(user, event) -> bool:
    if event is None:
        return False
    # Asked for several links on one page: the organisers come prefetched on event pages.
    return any(organiser.pk == user.pk for organiser in event.organisers.all())


is_member = rules.is_authenticated & rules.is_active

rules.add_perm("events.manage_event", is_member & (rules.is_staff | is_organisation | organises))
rules.add_perm("events.manage_events", is_member & (rules.is_staff | is_organisation))
