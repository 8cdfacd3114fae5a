"""Log and trust-boundary idioms of real code (SLS704, SLS702): each test takes the idiom that keeps
the rule quiet and undoes it into its vulnerable variant, which must be reported."""

import pytest

from tests.cli.cli_helpers import check_json, write
from tests.engine.test_engine import _low_until_undone, _quiet_until_undone, rules


def test_a_value_matched_whole_by_a_pattern_that_takes_no_line_feed_is_one_line():
    # `request.path` matched by a module-level compiled pattern (`.` stops at a line feed, `$` ends it),
    # in the `if` branch or after a refusing early exit; undone: a class that takes a line feed,
    # a pattern without end anchor, a check that does not leave, a pattern compiled with flags
    code = (
        "import logging\nimport re\n\nlog = logging.getLogger(__name__)\nRESERVED = re.compile(r'^/internal/.*$')\n\n"
        "class BlockInternal:\n    def __init__(self, get_response):\n        self.get_response = get_response\n\n"
        "    def __call__(self, request):\n        if RESERVED.match(request.path):\n"
        "            log.warning('%s is reserved', request.path)\n        return self.get_response(request)\n"
    )
    _quiet_until_undone("SLS704", code, "r'^/internal/.*$'", "r'^/internal/[^/]+$'")
    _quiet_until_undone("SLS704", code, "r'^/internal/.*$'", "r'^/internal/'")
    _quiet_until_undone("SLS704", code, "r'^/internal/.*$')", "r'^/internal/.*$', re.DOTALL)")
    refused = code.replace(
        "        if RESERVED.match(request.path):\n            log.warning('%s is reserved', request.path)\n",
        "        if not RESERVED.match(request.path):\n            raise ValueError()\n        log.warning('%s is reserved', request.path)\n",
    )
    assert refused != code
    _quiet_until_undone("SLS704", refused, "            raise ValueError()\n", "            pass\n")


def test_a_forms_upload_field_prints_as_the_uploads_name_but_a_text_field_keeps_line_breaks():
    code = (
        "import logging\nfrom django import forms\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n"
        "class ProofForm(forms.Form):\n    proof = forms.FileField()\n\n"
        "def attach(request):\n    form = ProofForm(request.POST, request.FILES)\n    if form.is_valid():\n"
        "        log.info(f\"attaching {form.cleaned_data['proof']}\")\n    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS704", code, "forms.FileField()", "forms.CharField()")


def test_the_raw_body_read_as_bytes_prints_escaped_but_read_as_text_does_not():
    code = (
        "import logging\nfrom aiohttp import web\n\nlog = logging.getLogger(__name__)\n\n"
        "async def hook(request: web.Request):\n    body = await request.read()\n"
        "    log.error(f'undecodable hook body: {body}')\n    raise web.HTTPBadRequest()\n"
    )
    _quiet_until_undone("SLS704", code, "await request.read()", "await request.text()")
    _quiet_until_undone("SLS704", code, "await request.read()", "(await request.read()).decode()")
    flask = "import logging\nfrom flask import request\n\ndef hook():\n    logging.error('body: %s', request.get_data())\n    return ''\n"
    _quiet_until_undone("SLS704", flask, "request.get_data()", "request.get_data(as_text=True)")


def test_a_swallowed_check_that_only_stores_the_verified_value_fails_closed_unless_the_name_held_the_input():
    code = (
        "from django.core import signing\n\ndef profile(request):\n"
        "    try:\n        user_id = signing.loads(request.GET.get('signed', ''))\n"
        "    except signing.BadSignature:\n        pass\n    return show(user_id)\n"
    )
    _quiet_until_undone("SLS702", code, "def profile(request):\n", "def profile(request):\n    user_id = request.GET.get('user')\n")
    _quiet_until_undone("SLS702", code, "def profile(request):\n", "def profile(request, user_id):\n")
    looped = code.replace("    try:\n        user_id", "    for _ in range(2):\n     try:\n        user_id").replace("    except signing", "     except signing")
    assert looped != code
    _quiet_until_undone("SLS702", code, code, looped)


def test_a_request_header_copied_under_a_configured_name_or_in_a_conditional_is_still_a_header():
    # a header's value, whatever header a variable names, and the one non-constant branch of a
    # conditional: one line, so copying it into a response header splits nothing (audit tier)
    code = (
        "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n\napp = FastAPI()\n\n"
        "@app.get('/auth')\ndef auth(request: Request):\n    response = JSONResponse(content={})\n"
        "    name = request.app.state.user_header\n"
        "    response.headers['remote-user'] = request.headers.get(name, 'viewer') if name else 'viewer'\n    return response\n"
    )
    _low_until_undone("SLS126", code, "request.headers.get(name, 'viewer')", "request.query_params.get(name, 'viewer')", "medium")
    _low_until_undone("SLS126", code, "if name else 'viewer'", "if name else request.query_params.get('u', '')", "medium")


def test_what_a_helper_annotated_to_return_a_dict_gives_prints_its_items_with_repr():
    # ckan-style request helpers declare `-> dict[str, Any]`: logged whole, its strings show with
    # repr(), line breaks escaped; undone: a helper declared to return text
    code = (
        "import logging\nfrom typing import Any, Optional\nfrom flask import Flask, request\n\n"
        "app = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n"
        "def request_data() -> Optional[dict[str, Any]]:\n"
        "    data = request.get_json()\n    if not isinstance(data, dict):\n        raise ValueError('expected an object')\n    return data\n\n"
        "@app.route('/api/action', methods=['POST'])\ndef action():\n"
        "    data = request_data()\n    log.info('action with %s', data)\n    log.debug(f'raw {request_data()}')\n    return ''\n"
    )
    _quiet_until_undone("SLS704", code, "-> Optional[dict[str, Any]]:", "-> Optional[str]:")
    _quiet_until_undone("SLS704", code, "    log.info('action with %s', data)\n", "    log.info('action with %s', data.get('name'))\n")


def test_a_value_that_equals_one_of_some_literals_is_one_of_them():
    # an SSDP responder answers M-SEARCH only for two search targets: the header it logs is one of them;
    # undone: a literal with a line feed, a comparison that is not equality, another subject
    code = (
        "import logging\n\nlog = logging.getLogger(__name__)\n\nclass Discovery:\n    def __init__(self, get_response):\n        self.get_response = get_response\n\n"
        "    def __call__(self, request):\n"
        "        if request.path == '*' and (request.headers['ST'] == 'upnp:rootdevice' or request.headers['ST'] == 'ssdp:all'):\n"
        "            log.debug('M-SEARCH for %s and %s', request.path, request.headers['ST'])\n        return None\n"
    )
    _quiet_until_undone("SLS704", code, "request.headers['ST'] == 'ssdp:all'", "request.headers['ST'] == 'ssdp:all\\n'")
    _quiet_until_undone("SLS704", code, "request.headers['ST'] == 'ssdp:all'", "request.headers['ST'] != 'ssdp:all'")
    _quiet_until_undone("SLS704", code, "request.headers['ST'] == 'ssdp:all'", "request.headers['MX'] == 'ssdp:all'")
    # an early exit unless the value is one of an allowed tuple
    refused = code.replace(
        "        if request.path == '*' and (request.headers['ST'] == 'upnp:rootdevice' or request.headers['ST'] == 'ssdp:all'):\n"
        "            log.debug('M-SEARCH for %s and %s', request.path, request.headers['ST'])\n",
        "        if not request.headers['ST'] in ('upnp:rootdevice', 'ssdp:all'):\n            return None\n"
        "        log.debug('M-SEARCH for %s', request.headers['ST'])\n",
    )
    assert refused != code
    _quiet_until_undone("SLS704", refused, "            return None\n", "            pass\n")


def test_a_horizon_table_actions_object_id_is_a_matched_row_but_a_views_url_parameter_is_the_clients():
    # Horizon's BatchAction.handle calls delete(request, obj_id) only for an id the table's
    # get_object_by_id matched exactly; the same method on a class-based view gets the URL's text
    code = (
        "import logging\n\nfrom django.views import View\nfrom horizon import tables\n\nLOG = logging.getLogger(__name__)\n\n"
        "class DeleteGroups(tables.DeleteAction):\n    def delete(self, request, obj_id):\n        LOG.info('Deleting group %s', obj_id)\n"
    )
    _quiet_until_undone("SLS704", code, "(tables.DeleteAction)", "(View)")
    _quiet_until_undone("SLS704", code.replace("DeleteAction", "BatchAction"), "(tables.BatchAction)", "(tables.LinkAction)")


def test_a_value_several_stored_rows_matched_exactly_is_theirs_but_one_no_row_matched_is_the_clients():
    # `except Model.MultipleObjectsReturned:` after the try's only exact `Model.objects.get(field=value)`:
    # two rows hold that very value; undone: the value matched nothing (DoesNotExist), or was only
    # part of what matched (`__contains`)
    code = (
        "import logging\n\nfrom rest_framework.decorators import api_view\nfrom rest_framework.response import Response\n\n"
        "from .models import Subscription\n\nlog = logging.getLogger(__name__)\n\n"
        "@api_view(['POST'])\ndef renewed(request):\n    sid = request.data.get('sid')\n    try:\n"
        "        sub = Subscription.objects.get(subscription_id=sid)\n    except Subscription.MultipleObjectsReturned:\n"
        "        log.warning(f'several subscriptions for {sid}')\n        return Response(status=200)\n    return Response({'id': sub.id})\n"
    )
    _quiet_until_undone("SLS704", code, "except Subscription.MultipleObjectsReturned:", "except Subscription.DoesNotExist:")
    _quiet_until_undone("SLS704", code, "subscription_id=sid", "subscription_id__contains=sid")


def test_a_value_a_conversion_to_a_number_took_is_digits_unless_the_conversion_could_fail_and_go_on():
    # `int(value)` in the test that held, or in a statement that ran before (its failure raises);
    # undone: a later operand of `or` (may not run), a conversion in a try whose handler goes on,
    # a conversion of another value
    code = (
        "import logging\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n"
        "def hook(request):\n    if 'HTTP_X_RETRY' in request.META and int(request.META['HTTP_X_RETRY']) > 1:\n"
        "        log.warning('retry %s', request.META['HTTP_X_RETRY'])\n    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS704", code, "request.META and int(", "request.META or int(")
    _quiet_until_undone("SLS704", code, "int(request.META['HTTP_X_RETRY'])", "int(request.META['HTTP_X_OTHER'])")
    before = (
        "import logging\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n"
        "def hook(request):\n    retries = int(request.GET['n']) + 1\n"
        "    log.warning('retry %s', request.GET['n'])\n    return HttpResponse(str(retries))\n"
    )
    _quiet_until_undone(
        "SLS704", before, "    retries = int(request.GET['n']) + 1\n",
        "    try:\n        retries = int(request.GET['n']) + 1\n    except ValueError:\n        retries = 0\n",
    )
    _quiet_until_undone("SLS704", before, "int(request.GET['n']) + 1", "int(request.GET['n']) if request.GET else 1")


def test_a_value_an_enum_took_by_value_is_one_of_its_values_but_a_plain_class_proves_nothing():
    # `Provider(f"{name}-auth")` raises unless the text is one of the Enum's values; undone: a class
    # that is no Enum, the name a field with a conversion, a lookup in a try whose handler goes on
    code = (
        "import logging\nfrom enum import Enum\nfrom fastapi import FastAPI\n\napp = FastAPI()\nlog = logging.getLogger(__name__)\n\n"
        "class Provider(Enum):\n    google = 'google-auth'\n    github = 'github-auth'\n\n"
        "@app.get('/login/{name}')\ndef login(name: str):\n    if not allowed(Provider(f'{name}-auth')):\n        return None\n"
        "    log.warning(f'{name} login not configured')\n    return {}\n"
    )
    _quiet_until_undone("SLS704", code, "class Provider(Enum):", "class Provider:")
    _quiet_until_undone("SLS704", code, "Provider(f'{name}-auth')", "Provider(f'{name!s}-auth')")
    _quiet_until_undone(
        "SLS704", code, "    if not allowed(Provider(f'{name}-auth')):\n        return None\n",
        "    try:\n        Provider(name)\n    except ValueError:\n        pass\n",
    )


def test_a_value_looked_up_by_a_number_field_the_model_declares_holds_digits():
    # `stack_id = models.PositiveIntegerField()`: Django converts the lookup value with int() when it builds
    # the query; after it, and in the handler of the model's DoesNotExist, the value is digits
    code = (
        "import logging\nfrom django.db import models\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n"
        "class Organization(models.Model):\n    stack_id = models.PositiveIntegerField()\n\n"
        "def from_header(request, team):\n    stack_id = request.META.get('HTTP_X_STACK_ID')\n    try:\n"
        "        return team.organizations.get(stack_id=stack_id)\n    except Organization.DoesNotExist:\n"
        "        log.info(f'no organization with stack_id {stack_id}')\n        return None\n\n"
        "def drop(request):\n    stack = request.GET['stack']\n    Organization.objects.filter(stack_id=stack).delete()\n"
        "    log.info(f'dropped {stack}')\n    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS704", code, "models.PositiveIntegerField()", "models.CharField(max_length=40)")
    _quiet_until_undone("SLS704", code, "except Organization.DoesNotExist:", "except Exception:")
    _quiet_until_undone("SLS704", code, "filter(stack_id=stack)", "filter(stack_id__contains=stack)")


def test_a_value_an_isinstance_test_found_to_be_a_number_holds_no_line_break():
    # `isinstance(task_id, int)` (or a tuple of number types) held: the value is a number;
    # undone into a test for `str`, which leaves the text as it came
    code = (
        "import logging\nfrom flask import Flask, request\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n"
        "@app.route('/t')\ndef t():\n    task_id = request.json['id']\n    if isinstance(task_id, int):\n"
        "        log.error('task %s failed', task_id)\n    return 'ok'\n"
    )
    _quiet_until_undone("SLS704", code, "isinstance(task_id, int)", "isinstance(task_id, str)")
    _quiet_until_undone("SLS704", code.replace("isinstance(task_id, int)", "isinstance(task_id, (int, float))"), "(int, float)", "(int, str)")


def test_a_float_an_isinstance_test_found_may_still_be_nan():
    # a float holds no text, but json.loads makes NaN and infinity floats: SLS131 still reports it
    code = (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n"
        "@app.route('/t', methods=['POST'])\ndef t():\n    value = request.json['start']\n    if isinstance(value, (int, float)):\n"
        "        return str(float(value) < 0)\n    return 'no'\n"
    )
    _quiet_until_undone("SLS704", code.replace("return str(float(value) < 0)", "app.logger.info('start %s', value)"), "(int, float)", "(int, str)")
    assert "SLS131" in rules(code)


def test_loguru_prints_only_the_arguments_its_brace_fields_name():
    # loguru formats a message with str.format: `%s` placeholders leave their arguments out, and a
    # `{!r}` field prints the repr; undone: a `{}` field that prints the value with str()
    code = (
        "from fastapi import APIRouter\nfrom loguru import logger\n\nrouter = APIRouter()\n\n"
        "@router.get('/keys/{name}')\ndef show(name: str):\n    logger.info('showing %s', name)\n"
    )
    _quiet_until_undone("SLS704", code, "'showing %s'", "'showing {}'")
    _quiet_until_undone("SLS704", code.replace("'showing %s'", "'showing {!r}'"), "{!r}", "{}")


def test_the_socket_session_id_flask_socketio_assigned_is_one_line():
    # `request.sid` is the id Flask-SocketIO's server gave the connection; undone: a query value
    code = (
        "import logging\nfrom flask import request\nfrom flask_socketio import Namespace\n\nlog = logging.getLogger(__name__)\n\n"
        "class Agents(Namespace):\n    def on_disconnect(self):\n        log.warning('agent gone, SID %s', request.sid)\n"
    )
    _quiet_until_undone("SLS704", code, "request.sid", "request.args['sid']")


def test_a_key_read_from_the_applications_own_table_is_one_of_its_keys():
    # `schema.fields[name]` raised KeyError for any other name, so past it the name is a field's;
    # undone: a table the client sent, whose keys are the client's
    code = (
        "import logging\nfrom flask import request\n\nlog = logging.getLogger(__name__)\n\n"
        "class Listing:\n    def order(self):\n        name = request.args.get('sort')\n        schema = self.schema()\n"
        "        field = schema.fields[name]\n        log.info('sorting by %s', name)\n        return field\n"
    )
    _quiet_until_undone("SLS704", code, "schema = self.schema()", "schema = request.get_json()")


def test_a_value_equal_to_a_field_of_the_applications_own_row_is_that_field():
    # `user_id == current_user.id`: inside, the id is the signed-in user's stored one; undone: a
    # comparison with another of the client's values
    code = (
        "import logging\nfrom fastapi import APIRouter, Depends\n\nfrom app.auth import get_current_user\n\n"
        "router = APIRouter()\nlog = logging.getLogger(__name__)\n\n"
        "@router.get('/users/{user_id}/systems')\ndef systems(user_id: str, other: str, current_user=Depends(get_current_user)):\n"
        "    if current_user.id == user_id:\n        log.info('listing systems of %s', user_id)\n"
    )
    _quiet_until_undone("SLS704", code, "current_user.id == user_id", "other == user_id")


def test_keywords_spelled_as_a_dict_match_exactly_only_in_sqlalchemys_filter_by():
    # `filter_by(**{field: value})` compares a column with the value; Django's `filter(**...)` may be
    # handed a lookup (`slug__icontains`), which matches rows that only contain the client's text
    code = (
        "import logging\nfrom flask import abort, request\n\nfrom app.models import Tag, db\n\nlog = logging.getLogger(__name__)\n\n"
        "def find(field):\n    value = request.args['q']\n    kwargs = {field: value}\n"
        "    tag = db.query(Tag).filter_by(**kwargs).first()\n    if tag is None:\n        abort(404)\n    log.info('found %s', value)\n"
    )
    _quiet_until_undone("SLS704", code, "db.query(Tag).filter_by(**kwargs)", "Tag.objects.filter(**kwargs)")


def test_a_key_a_lookup_named_for_its_field_found_is_a_stored_value():
    # a repository's `find_by_pk(request, pk)` / `program_by_id(K)` found a row, or the request was
    # refused: K equals a stored field. Undone: a look-up by another field's relation, a check that
    # does not leave, a look-up handed two candidate keys
    code = (
        "import logging\nfrom flask import Flask, abort\n\nlog = logging.getLogger(__name__)\napp = Flask(__name__)\n\n"
        "@app.route('/programs/<id>')\ndef show(id):\n    program = app.db.program_by_id(id)\n    if program is None:\n"
        "        abort(404)\n    log.info('showing %s', id)\n    return 'ok'\n"
    )
    _quiet_until_undone("SLS704", code, "program_by_id(id)", "programs_of(id)")
    _quiet_until_undone("SLS704", code, "        abort(404)\n", "        pass\n")
    _quiet_until_undone("SLS704", code, "program_by_id(id)", "program_by_id(id, other)")
    handed = code.replace("app.db.program_by_id(id)", "app.store.find_by_pk(request, id)").replace("abort\n", "abort, request\n")
    _quiet_until_undone("SLS704", handed, "find_by_pk", "find_owned")
    # named in camelCase (libvirt's `conn.lookupByName(K)`), or by a label
    camel = code.replace("app.db.program_by_id(id)", "app.conn.lookupByName(id)")
    _quiet_until_undone("SLS704", camel, "lookupByName", "lookupByname")
    labelled = code.replace("app.db.program_by_id(id)", "app.db.view_machine_by_label(id)")
    _quiet_until_undone("SLS704", labelled, "by_label", "by_labels")
    # by that field and others the request's user fills (`get_folder_by_id_and_user_id(K, user.id)`),
    # or scoped to the user (`get_accessible_chat_by_id(K, user)`)
    scoped = code.replace("app.db.program_by_id(id)", "app.db.get_program_by_id_and_user_id(id, user.id)")
    _quiet_until_undone("SLS704", scoped, "_by_id_and_user_id", "_and_user_id")
    accessible = code.replace("app.db.program_by_id(id)", "app.db.get_accessible_program_by_id(id, user, permission='write')")
    _quiet_until_undone("SLS704", accessible, "(id, user,", "(id, owner,")
    # saying where it looks, the key passed by a keyword named for the field
    stored = code.replace("app.db.program_by_id(id)", "app.db.get_program_by_id_from_db(program_id=id, prisma_client=app.db)")
    _quiet_until_undone("SLS704", stored, "(program_id=id,", "(program=id,")


def test_sqlalchemys_session_query_that_raises_on_a_miss_found_its_key():
    # `session.query(M).filter_by(name=K).one()` raises NoResultFound unless a row matched: once it
    # ran (inline, built in a name first, returned by a helper, or by a getter whose result is used
    # at once), K equals a stored name. Undone: `.first()`, which returns None and is not checked
    head = (
        "import logging\nfrom flask import Flask\nfrom models import db, Workspace\n\n"
        "log = logging.getLogger(__name__)\napp = Flask(__name__)\n\n"
    )
    inline = head + (
        "@app.route('/w/<wid>')\ndef show(wid):\n    ws = db.session.query(Workspace).filter_by(name=wid).one()\n"
        "    log.info(f'showing {wid}')\n    return ws.title\n"
    )
    _quiet_until_undone("SLS704", inline, ".one()", ".first()")
    named = inline.replace("    ws = db.session.query(Workspace).filter_by(name=wid).one()\n",
                           "    query = db.session.query(Workspace).filter_by(name=wid)\n    ws = query.one()\n")
    _quiet_until_undone("SLS704", named, ".one()", ".first()")
    getter = head + (
        "class Views:\n    def _get_object(self, object_id):\n        return db.session.query(Workspace).filter_by(name=object_id).one()\n\n"
        "    @app.route('/w/<wid>/activate')\n    def activate(self, wid):\n        changed = self._get_object(wid).activate()\n"
        "        log.info(f'{wid} activated')\n        return changed\n"
    )
    _quiet_until_undone("SLS704", getter, ".one()", ".first()")
    getter_named = getter.replace(
        "        return db.session.query(Workspace).filter_by(name=object_id).one()\n",
        "        query = db.session.query(Workspace).filter_by(name=object_id)\n        return query.one()\n",
    )
    _quiet_until_undone("SLS704", getter_named, ".one()", ".first()")


def test_what_a_helper_returns_as_a_list_on_every_path_prints_item_by_item():
    """A helper whose every return makes a list (or is None) hands its caller a container: logged,
    in a name or in the attribute a method stores it in, each item shows with repr(). Undone: one
    path returns the socket's text itself."""
    code = (
        "import logging\nimport socket\nimport struct\n\nlog = logging.getLogger(__name__)\n\n"
        "class Probe:\n    def probe(self, s):\n        n = s.recv(1)\n        if not n:\n            return None\n"
        "        if n[0] == 1:\n            stypes = struct.unpack('!I', s.recv(4))[0]\n            return [stypes]\n        stypes = list(s.recv(n[0]))\n        return stypes\n\n"
        "    def enum(self, s):\n        self.stype = self.probe(s)\n        log.info(f'types={self.stype}')\n\n"
        "    def enum_here(self, s):\n        stype = self.probe(s)\n        log.info(f'types={stype}')\n"
    )
    assert "SLS704" not in rules(code)
    undone = code.replace("stypes = list(s.recv(n[0]))", "stypes = s.recv(n[0]).decode()")
    assert [r for r in rules(undone) if r == "SLS704"] == ["SLS704", "SLS704"]


def test_the_claims_of_a_token_whose_signature_was_checked_are_not_the_clients():
    """`jwt.decode(token, key, algorithms=[...])` returns what the key's holder signed: logging its
    claims forges nothing the client chose. Decoded with the check turned off (or options that
    may turn it off), the claims are the client's text again."""
    code = (
        "import logging\n\nfrom jose import jwt\nfrom rest_framework.authentication import BaseAuthentication\n\n"
        "log = logging.getLogger(__name__)\n\n\nclass Auth0(BaseAuthentication):\n"
        "    def _user_info(self, token, key):\n        return jwt.decode(token, key, algorithms=['RS256'])\n\n"
        "    def authenticate(self, request):\n        token = request.META.get('HTTP_ID_TOKEN')\n"
        "        info = self._user_info(token, KEY)\n        log.info('login of %s', 'email/' + info['email'])\n"
    )
    _quiet_until_undone("SLS704", code, "algorithms=['RS256'])", "algorithms=['RS256'], options={'verify_signature': False})")
    _quiet_until_undone("SLS704", code, "algorithms=['RS256'])", "algorithms=['RS256'], options=OPTIONS)")


_TORNADO_BUILD = """
import logging

from tornado import web

log = logging.getLogger(__name__)


class BuildHandler(web.RequestHandler):
    async def get(self, provider_prefix, spec):
        accept = self.request.headers.get("Accept", "")
        if "text/event-stream" not in accept:
            log.warning("Bad accept header: %s", accept)
        if provider_prefix not in self.settings["repo_providers"]:
            self.write("no such provider")
            return
        log.info("building from %s", provider_prefix)
"""


def test_a_tornado_header_is_one_line():
    # Tornado's HTTPHeaders joins a folded header's continuation lines with a space (binderhub's
    # Accept check); Flask's headers carry what the server passed on
    code = _TORNADO_BUILD.replace('        log.info("building from %s", provider_prefix)\n', "")
    assert "SLS704" not in rules(code)
    flask = (
        "import logging\nfrom flask import Flask, request\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n\n"
        "@app.get('/events')\ndef events():\n    accept = request.headers.get('Accept', '')\n"
        "    if 'text/event-stream' not in accept:\n        log.warning('Bad accept header: %s', accept)\n    return ''\n"
    )
    assert "SLS704" in rules(flask)
    # the Host header, as Tornado's request gives it
    host = _TORNADO_BUILD.replace('self.request.headers.get("Accept", "")', "self.request.host").replace('        log.info("building from %s", provider_prefix)\n', "")
    assert "SLS704" not in rules(host)
    assert "SLS704" in rules(host.replace("self.request.host", 'self.get_argument("host")'))


def test_membership_in_an_item_of_the_applications_settings_is_an_allow_list():
    # `self.settings["repo_providers"]`: the application's own mapping; a list the client sent is none
    code = _TORNADO_BUILD.replace('        accept = self.request.headers.get("Accept", "")\n        if "text/event-stream" not in accept:\n            log.warning("Bad accept header: %s", accept)\n', "")
    _quiet_until_undone("SLS704", code, 'self.settings["repo_providers"]', 'self.get_query_arguments("providers")')


def test_a_part_of_a_split_url_holds_no_line_break_until_it_is_decoded():
    """Python's urlparse and urlsplit drop every tab, CR and LF of the URL (bpo-43882): the host a
    helper rebuilds from them (`f"{parsed.scheme}://{parsed.netloc}"`) is one line. Percent-decoding
    a part (`unquote`, `parse_qs`) brings `%0A` back as a line break."""
    code = (
        "import logging\nfrom urllib.parse import urlparse, unquote\nfrom flask import request\n\nlog = logging.getLogger(__name__)\n\n"
        "def normalized(url):\n    parsed = urlparse(url)\n    return f'{parsed.scheme}://{parsed.netloc}'\n\n"
        "def refresh():\n    host_url = normalized(request.json['host_url'])\n    log.warning(f'no token at {host_url}')\n"
    )
    _quiet_until_undone("SLS704", code, "    parsed = urlparse(url)\n", "    parsed = urlparse(unquote(url))\n    parsed = url\n")
    _quiet_until_undone("SLS704", code, "return f'{parsed.scheme}://{parsed.netloc}'", "return unquote(f'{parsed.scheme}://{parsed.netloc}')")


def test_an_aiohttp_websocket_and_the_messages_it_returns_print_as_objects():
    # nikola's livereload: the socket prints as `<WebSocketResponse ...>`, a received message as a
    # WSMessage named tuple (its data shown with repr()), the parsed JSON read by a text key as a
    # dict. The message's data, or JSON never read by a key (a string, maybe), is the client's text
    code = (
        "import logging\nimport aiohttp\nfrom aiohttp import web\n\nlog = logging.getLogger(__name__)\n\n"
        "async def handler(request):\n    ws = web.WebSocketResponse()\n    await ws.prepare(request)\n"
        "    msg = await ws.receive()\n    log.debug('received {0}'.format(msg))\n"
        "    message = msg.json()\n    if message['command'] != 'hello':\n        log.warning('unknown {0}'.format(message))\n"
        "    log.debug('closed {0} {1}'.format(ws, ws.exception()))\n    return ws\n"
    )
    assert "SLS704" not in rules(code)
    assert "SLS704" in rules(code.replace("'received {0}'.format(msg)", "'received {0}'.format(msg.data)"))
    assert "SLS704" in rules(code.replace("    if message['command'] != 'hello':\n        log", "    if message:\n        log"))


def test_str_of_a_logged_value_prints_what_the_value_prints():
    # parsed JSON a text key was read from is a dict: `str()` of it is its repr() of items too
    code = (
        "import json\nimport logging\n\nfrom django.http import HttpResponse\n\nlogger = logging.getLogger(__name__)\n\n\n"
        "def webhook(request):\n    event = json.loads(request.body.decode('utf-8'))\n"
        "    if event['resource_type'] != 'checkout-order':\n        return HttpResponse('ignored')\n"
        "    logger.info('PayPal event: %s' % str(event))\n    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS704", code, "if event['resource_type'] != 'checkout-order':", "if len(event) < 2:")


def test_a_field_checked_with_a_string_method_is_checked_where_it_is_read_again():
    # `form.id.isidentifier()` refused otherwise: letters, digits and `_`, one line
    code = (
        "import logging\n\nfrom fastapi import APIRouter, HTTPException\nfrom pydantic import BaseModel\n\n"
        "log = logging.getLogger(__name__)\nrouter = APIRouter()\n\n\nclass ToolForm(BaseModel):\n    id: str\n\n\n"
        "@router.post('/create')\nasync def create_tool(form_data: ToolForm):\n"
        "    if not form_data.id.isidentifier():\n        raise HTTPException(status_code=400, detail='bad id')\n"
        "    log.info(f'creating tool {form_data.id}')\n    return {'id': form_data.id}\n"
    )
    _quiet_until_undone("SLS704", code, "if not form_data.id.isidentifier():", "if not form_data.name.isidentifier():")


def test_a_value_whose_every_character_was_tested_is_what_the_test_allows():
    # `not any(c.isspace() for c in x)` leaves no line break, `all(c.isalnum() for c in x)` letters
    # and digits only; also through a predicate (`is_valid_model_id`)
    code = (
        "import logging\n\nfrom fastapi import APIRouter\n\nlog = logging.getLogger(__name__)\nrouter = APIRouter()\n\n\n"
        "def is_valid_model_id(model_id: str) -> bool:\n"
        "    return model_id and len(model_id) <= 256 and not any(char.isspace() for char in model_id)\n\n\n"
        "@router.post('/import')\nasync def import_models(data: list[dict]):\n    for model_data in data:\n"
        "        model_id = model_data.get('id')\n        if model_id and is_valid_model_id(model_id):\n"
        "            log.warning('import_models: skipped model %s', model_id)\n"
    )
    _quiet_until_undone("SLS704", code, "not any(char.isspace()", "not any(char.isupper()")
    named = (
        "import logging\n\nfrom fastapi import APIRouter\n\nlog = logging.getLogger(__name__)\nrouter = APIRouter()\n\n\n"
        "@router.get('/name')\nasync def name(value: str):\n    if all(c.isalnum() for c in value):\n        log.warning('name %s', value)\n"
    )
    _quiet_until_undone("SLS704", named, "if all(c.isalnum()", "if any(c.isalnum()")


def test_a_fastapi_body_model_logged_whole_prints_its_fields_with_repr():
    """`form_data: CreateModelForm`, a pydantic model of the module, FastAPI built from the body: it prints as
    `name='x' ...`, each field with repr(), so a line break in a field comes out escaped. Undone:
    a field of it logged (its text), a plain text parameter."""
    code = (
        "import logging\nfrom fastapi import FastAPI\nfrom pydantic import BaseModel\n\n"
        "log = logging.getLogger(__name__)\napp = FastAPI()\n\n"
        "class Base(BaseModel):\n    name: str\n\nclass CreateModelForm(Base):\n    url: str\n\n"
        "@app.post('/models')\nasync def create(form_data: CreateModelForm):\n    log.debug('form_data: %s', form_data)\n    return {}\n"
    )
    _quiet_until_undone("SLS704", code, "'form_data: %s', form_data)", "'form_data: %s', form_data.name)")
    _quiet_until_undone("SLS704", code, "form_data: CreateModelForm)", "form_data: str)")
    _quiet_until_undone("SLS704", code, "form_data: CreateModelForm)", "form_data: EmailStr)")
    # a class of the module that is not a pydantic model (a `str` subclass is a query parameter)
    _quiet_until_undone("SLS704", code, "class Base(BaseModel):", "class Base(str):")


def test_a_key_prismas_find_unique_found_is_a_stored_value():
    """`table.find_unique(where={"name": K})` (Prisma Client Python) returns None on a miss: past
    `if not row: raise HTTPException(404)`, K equals a stored name. Undone: an operator in the
    `where` (`{"contains": K}` matches part of a name), a check that does not leave."""
    code = (
        "import logging\nfrom fastapi import FastAPI, HTTPException\n\nlog = logging.getLogger(__name__)\napp = FastAPI()\n\n"
        "@app.delete('/plugins/{plugin_name}')\nasync def delete(plugin_name: str):\n"
        "    existing = await prisma.db.plugins.find_unique(where={'name': plugin_name})\n"
        "    if not existing:\n        raise HTTPException(status_code=404)\n    log.info('deleting %s', plugin_name)\n"
    )
    _quiet_until_undone("SLS704", code, "{'name': plugin_name}", "{'name': {'contains': plugin_name}}")
    _quiet_until_undone("SLS704", code, "        raise HTTPException(status_code=404)\n", "        pass\n")


def test_a_found_row_turned_into_a_dict_before_its_test_is_still_what_the_look_up_found():
    # `if row is not None: row = row.model_dump()` between the look-up and `if row is None: raise`:
    # the dict is None exactly where the row was. Undone: the name rebound to another object's dump,
    code = (
        "import logging\nfrom fastapi import FastAPI, HTTPException\n\nlog = logging.getLogger(__name__)\napp = FastAPI()\n\n"
        "@app.patch('/agents/{agent_id}')\nasync def update(agent_id: str, other: dict):\n"
        "    existing = await prisma.agents.find_unique(where={'agent_id': agent_id})\n"
        "    if existing is not None:\n        existing = existing.model_dump()\n"
        "    if existing is None:\n        raise HTTPException(status_code=404)\n    log.info('updated agent %s', agent_id)\n"
    )
    _quiet_until_undone("SLS704", code, "existing = existing.model_dump()", "existing = other.model_dump()")
    # a method that may give None (`dict.get`) is no other shape of the row
    _quiet_until_undone("SLS704", code, "existing = existing.model_dump()", "existing = existing.get('owner')")


def test_text_escaped_character_by_character_below_the_first_printable_code_is_one_line():
    # a helper that escapes each control character (`ord(ch) < 32`: CR and LF among them), the
    # usual hand-written escape; undone: a bound that lets line feeds through, no escape at all
    code = (
        "import json\nimport logging\nfrom flask import request\n\nlog = logging.getLogger(__name__)\n\n"
        "def safe_text(value):\n    return ''.join(json.dumps(ch)[1:-1] if ord(ch) < 32 or ord(ch) == 127 else ch for ch in value)\n\n"
        "def view():\n    log.info('upstream said %s', safe_text(request.args['reply']))\n    return 'ok'\n"
    )
    _quiet_until_undone("SLS704", code, "ord(ch) < 32 or", "ord(ch) < 10 or")
    _quiet_until_undone("SLS704", code, "json.dumps(ch)[1:-1]", "ch.upper()")
    mirrored = code.replace("ord(ch) < 32", "32 > ord(ch)")
    _quiet_until_undone("SLS704", mirrored, "32 > ord(ch)", "10 > ord(ch)")


def test_a_comprehension_that_keeps_only_printable_characters_keeps_no_line_break():
    # the filter of a comprehension validates the elements it keeps; `isprintable` says no control
    # character (so no line break) and nothing else: a shell command is still built from the rest
    code = (
        "import logging\nimport os\nfrom flask import request\n\nlog = logging.getLogger(__name__)\n\n"
        "def view():\n    name = ''.join(c for c in request.args['name'] if c.isprintable())\n"
        "    log.info('renaming to %s', name)\n    return 'ok'\n"
    )
    _quiet_until_undone("SLS704", code, "if c.isprintable()", "if c.isascii()")
    _quiet_until_undone("SLS704", code, " if c.isprintable()", "")
    assert "SLS102" in rules(code.replace("    log.info('renaming to %s', name)\n", "    os.system('mv a ' + name)\n"))


@pytest.mark.parametrize("base_module", ["base", "deeper"])
def test_a_body_model_whose_base_is_another_modules_model_prints_its_fields_with_repr(tmp_path, base_module):
    # the project's own model base (`class ProjectModel(BaseModel)`) in one module, the request model
    # in another, the route in a third; "deeper": one more module between the base and pydantic.
    # Undone: a base that is no pydantic model (a `str` subclass is a query parameter)
    base = "from pydantic import BaseModel\n\nclass ProjectModel(BaseModel):\n    pass\n"
    files = {
        "app/__init__.py": "",
        "app/base.py": base if base_module == "base" else "from app.deeper import ProjectModel as _Base\n\nclass ProjectModel(_Base):\n    pass\n",
        "app/deeper.py": base,
        "app/requests.py": "from app.base import ProjectModel\n\nclass UpdateCustomer(ProjectModel):\n    name: str\n",
        "app/routes.py": (
            "import logging\nfrom fastapi import FastAPI\nfrom app.requests import UpdateCustomer\n\nlog = logging.getLogger(__name__)\napp = FastAPI()\n\n"
            "@app.post('/customer/update')\nasync def update(data: UpdateCustomer):\n    log.debug('update: %s', data)\n    return {}\n"
        ),
    }
    reported = lambda: [f for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings() if f["path"] == "app/routes.py"]  # noqa: E731
    write(tmp_path, files)
    assert reported() == []
    write(tmp_path, {"app/deeper.py": base.replace("(BaseModel)", "(str)")} if base_module == "deeper" else {"app/base.py": base.replace("(BaseModel)", "(str)")})
    assert len(reported()) == 1


def test_the_account_a_fastapi_security_dependency_found_is_the_servers_record_of_the_caller():
    # `Security(api_key_header)` declares the credential; the dependency returns the account it
    # found for it, whose fields the server holds. Undone: a plain `Depends` (no credential
    # declared), and a dependency that hands the credential back as it came
    code = (
        "import logging\nfrom fastapi import Depends, FastAPI, HTTPException, Request, Security\nfrom fastapi.security import APIKeyHeader\n\n"
        "log = logging.getLogger(__name__)\napp = FastAPI()\nkey_header = APIKeyHeader(name='x-api-key', auto_error=False)\n\n"
        "async def authenticated(request: Request, api_key: str = Security(key_header)):\n"
        "    api_key = api_key or request.headers.get('authorization', '')\n"
        "    account = await ACCOUNTS.find(api_key)\n    if account is None:\n        raise HTTPException(401)\n"
        "    return {'api_key': api_key, 'user_id': account['user_id'], 'agent': request.headers.get('user-agent')}\n\n"
        "@app.post('/agents')\nasync def create(caller=Depends(authenticated)):\n    log.info('agent created by %s', caller['user_id'])\n    return {}\n"
    )
    _quiet_until_undone("SLS704", code, "api_key: str = Security(key_header)", "api_key: str = Depends(key_header)")
    handed_back = code.replace("    return {'api_key': api_key, 'user_id': account['user_id'], 'agent': request.headers.get('user-agent')}\n", "    return api_key\n")
    assert "SLS704" in rules(handed_back.replace("caller['user_id']", "caller"))
