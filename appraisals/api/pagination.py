import re

from rest_framework.pagination import PageNumberPagination

from workflow.api.filters import MAX_ID
from workflow.errors import PayloadInvalid, Problem
from workflow.text import Text

_WHOLE = re.compile(r"[0-9]{1,19}")
INVALID_PAGING = Text(id="Parameter halaman tidak valid.", en="Invalid paging parameter.")
NOT_A_PAGE = Text(
    id="Isi dengan satu bilangan bulat mulai dari 1.", en="Give one whole number from 1."
)


class Pagination(PageNumberPagination):
    """DRF's page numbers, refusing a `page` or `page_size` that is not one whole number from 1.

    A `page_size` above the maximum is served at the maximum (documented in the
    schema); a page past the last is 404, as DRF answers.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _one_whole_number(self, request, name: str) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not _WHOLE.fullmatch(values[0]) or not 1 <= int(values[0]) <= MAX_ID:
            raise PayloadInvalid(
                INVALID_PAGING, [Problem(code="invalid_page", message=NOT_A_PAGE, field=name)]
            )
        return int(values[0])

    def get_page_size(self, request):
        asked = self._one_whole_number(request, self.page_size_query_param)
        return self.page_size if asked is None else min(asked, self.max_page_size)

    def get_page_number(self, request, paginator):
        return self._one_whole_number(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Number of results to return per page; at most {self.max_page_size} "
                    "are returned, a larger value is served as the maximum."
                )
        return parameters
