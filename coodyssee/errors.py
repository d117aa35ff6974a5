class DomainError(Exception):
    """A business rule refused the operation. Views show ``message`` on the form that caused it.

    ``field`` names the form field the message belongs to, or None for the whole form.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def attach_to(self, form) -> None:
        field = self.field if self.field in getattr(form, "fields", {}) else None
        form.add_error(field, self.message)
