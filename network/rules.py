"""Who may see and contact whom in the member directory."""

import rules

from .models import User


@rules.predicate
def is_self(viewer, member: User) -> bool:
    return viewer.pk == member.pk


@rules.predicate
def profile_is_public(viewer, member: User) -> bool:
    return member.is_active and member.profile_visibility == User.Visibility.PUBLIC


@rules.predicate
def profile_is_for_members(viewer, member: User) -> bool:
    return member.is_active and member.profile_visibility in {
        User.Visibility.MEMBERS,
        User.Visibility.PUBLIC,
    }


is_member = rules.is_authenticated & rules.is_active

# A hidden profile is seen by nobody but its owner and staff.
rules.add_perm(
    "network.view_profile",
    rules.is_staff | is_self | profile_is_public | (is_member & profile_is_for_members),
)
rules.add_perm(
    "network.contact_member", is_member & ~is_self & (rules.is_staff | profile_is_for_members)
)
rules.add_perm("network.view_directory", is_member)
