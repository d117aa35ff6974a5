"""System checks run by every manage.py command."""

from django.core.checks import Error, Tags, register


@register(Tags.compatibility)
def weasyprint_libraries(app_configs, **kwargs):
    """WeasyPrint needs Pango; say which Debian package to install instead of failing at the first PDF."""
    from coodyssee.syscheck import missing_system_libraries

    return [Error(message, hint=hint, id="coodyssee.E001") for message, hint in missing_system_libraries()]
