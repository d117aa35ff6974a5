from django.utils.functional import SimpleLazyObject

from coodyssee.selectors import cooperative_current
from coodyssee.spaces import current_space, navigation_for, spaces_for


def spaces(request):
    if not hasattr(request, "user"):
        return {}
    return {
        "cooperative": SimpleLazyObject(cooperative_current),
        "current_space": current_space(request),
        "nav_items": navigation_for(request),
        "user_spaces": spaces_for(request) if request.user.is_authenticated else [],
    }
