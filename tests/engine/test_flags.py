"""A flag set where a check held (engine/flags.py): `found = True` once a look-up found the row or
a loop matched an allowed item; past `if not found: return`, the name checked holds what the
check made of it. Undone: the flag set whatever the check said, the name assigned again after the
flag was set, or assigned in the loop around the check (a later item than the one checked)."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

HEAD = "import logging\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\nALLOWED = ['a', 'b']\n\n"

LOOKUP = HEAD + (
    "def console(request, vm_name):\n    vm_exists = False\n    error = 'unknown'\n    try:\n"
    "        dom = conn.lookupByName(vm_name)\n        if dom:\n            vm_exists = True\n"
    "    except Exception:\n        error = 'failed'\n    if not vm_exists:\n        return HttpResponse(error)\n"
    "    log.info('opening %s', vm_name)\n    return HttpResponse('ok')\n"
)

LOOP = HEAD + (
    "def pick(request):\n    name = request.GET['name']\n    ok = False\n    for item in ALLOWED:\n"
    "        if item == name:\n            ok = True\n            break\n    if ok:\n"
    "        log.info('name %s', name)\n    return HttpResponse('ok')\n"
)


def test_a_flag_set_once_a_look_up_found_the_row_vouches_for_its_key_past_the_test():
    _quiet_until_undone("SLS704", LOOKUP, "        if dom:\n            vm_exists = True\n", "        vm_exists = True\n")
    _quiet_until_undone("SLS704", LOOKUP, "        return HttpResponse(error)\n", "        pass\n")


def test_a_flag_set_in_a_loop_over_allowed_items_vouches_for_the_value_matched():
    _quiet_until_undone("SLS704", LOOP, "if item == name:", "if item:")
    # the value assigned again after the flag was set is another value
    _quiet_until_undone("SLS704", LOOP, "    if ok:\n", "    name = request.GET['other']\n    if ok:\n")


def test_a_value_the_loop_assigns_is_a_later_item_than_the_one_checked():
    code = HEAD + (
        "def last(request):\n    ok = False\n    for line in request.GET.getlist('x'):\n        name = line\n"
        "        if name in ALLOWED:\n            ok = True\n    if ok:\n        log.info('name %s', name)\n    return HttpResponse('ok')\n"
    )
    assert "SLS704" in rules(code)


def test_a_flag_with_another_value_on_some_path_vouches_for_nothing():
    code = HEAD + (
        "def mixed(request):\n    name = request.GET['name']\n    ok = check(name)\n    if name in ALLOWED:\n        ok = True\n"
        "    if ok:\n        log.info('name %s', name)\n    return HttpResponse('ok')\n"
    )
    assert "SLS704" in rules(code)
    assert "SLS704" not in rules(code.replace("ok = check(name)", "ok = None"))
