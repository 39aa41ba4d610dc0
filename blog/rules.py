"""Who may see posts before they are public: staff and the editorial team (group Redaktion)."""

import rules

is_editor = rules.is_group_member("Redaktion")

rules.add_perm("blog.preview_post", rules.is_active & (rules.is_staff | is_editor))
