from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItem

from .models import Category, Post, PostQuerySet


class PostFilterForm(forms.Form):
    """The filters of /blog/: category, topic (a tag's slug) and year, each optional."""

    hide_optional = True  # every filter is optional; saying so on each would be noise
    kategorie = forms.ChoiceField(
        label=_("Kategorie"), required=False, choices=[("", _("alle")), *Category.choices]
    )
    thema = forms.ChoiceField(label=_("Thema"), required=False)
    jahr = forms.TypedChoiceField(label=_("Jahr"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        public = Post.objects.published()
        used = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Post),
            object_id__in=public.values("pk"),
        ).values("tag_id")
        tags = Tag.objects.filter(pk__in=used).order_by("name").values_list("slug", "name")
        self.fields["thema"].choices = [("", _("alle")), *tags]
        years = public.datetimes("published_at", "year", order="DESC")
        self.fields["jahr"].choices = [("", _("alle"))] + [
            (year.year, str(year.year)) for year in years
        ]

    def filter(self, posts: PostQuerySet) -> PostQuerySet:
        if not self.is_valid():
            return posts.none()
        data = self.cleaned_data
        if data["kategorie"]:
            posts = posts.in_category(data["kategorie"])
        if data["thema"]:
            posts = posts.tagged(data["thema"])
        if data["jahr"]:
            posts = posts.filter(published_at__year=data["jahr"])
        return posts
