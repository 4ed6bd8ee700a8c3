from django.conf import settings
from rest_framework import pagination
from rest_framework.response import Response

from core.paging import PeekingPaginator


class _Paginator(PeekingPaginator):
    cap = settings.API_COUNT_CAP


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N&page_size=M, the size bounded so no call can ask for the whole register at once.

    `count` is exact up to API_COUNT_CAP; past it `count` is the cap and `count_capped` is true (counting two
    million activities cost more than the page itself). `next` does not depend on the count: follow it to the
    end of any list."""

    django_paginator_class = _Paginator
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    last_page_strings = ()  # "last" needs the whole count

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": {**response["properties"]["count"],
                      "description": f"符合条件的条数；超过 {settings.API_COUNT_CAP} 条时为 {settings.API_COUNT_CAP}"},
            "count_capped": {"type": "boolean", "example": False,
                             "description": "为 true 时 count 只计到上限，请按 next 链接翻页到底"},
            **{key: value for key, value in response["properties"].items() if key != "count"},
        }
        response["required"] = ["count", "count_capped", "results"]
        return response
