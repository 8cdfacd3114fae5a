"""Storing into an item of an object's attribute (`request.session["k"] = v`) taints that attribute,
not the object's other attributes: `request.user` is still the server's user after the session was
written (engine/values.py, as `book.cover = v` already did for attributes)."""

from tests.engine.test_engine import _quiet_until_undone


def test_a_session_write_leaves_the_requests_user_the_servers():
    code = (
        "import logging\nfrom django.http import HttpResponse\n\n"
        "def view(request):\n"
        "    request.session['q'] = request.GET['q']\n"
        "    logging.info('user %s', request.user.username)\n"
        "    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS704", code, "request.user.username)", "request.session['q'])")


def test_an_allow_list_on_the_user_validates_after_a_session_write():
    code = (
        "from django.http import HttpResponse\n\n"
        "def view(request):\n"
        "    request.context['search'] = request.GET['q']\n"
        "    region = request.COOKIES.get('region')\n"
        "    if region in request.user.available_regions:\n"
        "        request.session['region'] = region\n"
        "    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS125", code, "    if region in request.user.available_regions:\n", "    if region:\n")


def test_an_item_stored_under_an_attribute_of_self_leaves_the_others_as_they_were():
    # a class-based view fills `self.data[...]` from the form; the class's own compiled pattern,
    # read as `self.NAME_PATTERN`, is still the program's, not the client's
    code = (
        "import re\nfrom flask import request\n\n"
        "class ScheduleView:\n"
        "    NAME_PATTERN = re.compile(r'[^0-9A-Za-z_-]')\n\n"
        "    def prepare(self):\n"
        "        self.data = {}\n"
        "        self.data['jobid'] = request.form.get('jobid', '')\n"
        "        return re.sub(self.NAME_PATTERN, '-', self.data['jobid'])\n"
    )
    _quiet_until_undone("SLS128", code, "re.sub(self.NAME_PATTERN,", "re.sub(self.data['jobid'],")
