"""Code on the client side of HTTP: what a program sends is its own, not a client's input."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone


def test_a_request_parameter_annotated_with_a_clients_request_class_is_the_outbound_request():
    # aiohttp's client middlewares are handed the ClientRequest the program is sending
    code = (
        "import logging\nfrom aiohttp import ClientHandlerType, ClientRequest, ClientResponse, web\n\n"
        "log = logging.getLogger(__name__)\n\n"
        "class Logging:\n"
        "    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:\n"
        "        log.info('sending %s %s', request.method, request.url.path)\n"
        "        return await handler(request)\n"
    )
    # annotated as the server's request, the same middleware logs what a client sent
    _quiet_until_undone("SLS704", code, "request: ClientRequest", "request: web.Request")
    # a requests hook given the PreparedRequest, written as a plain function
    hook = (
        "import logging\nimport requests\nfrom django.http import HttpRequest\n\nlog = logging.getLogger(__name__)\n\n"
        "def trace(request: requests.PreparedRequest) -> None:\n    log.warning('retrying %s', request.headers['X-Trace'])\n"
    )
    _quiet_until_undone("SLS704", hook, "request: requests.PreparedRequest", "request: HttpRequest")
