"""SLS129: when a `$`-anchored check cannot let a trailing newline through, and when it only routes."""

from __future__ import annotations

from tests.engine.test_engine import _confidence, _low_until_undone, _quiet_until_undone


def test_a_django_model_clean_checks_a_field_a_modelform_has_stripped():
    """`Model.clean()` runs in `full_clean()`, after a ModelForm set the field from its form
    field's stripped value: the audit tier, as for a validator. An attribute that is not a model
    field is whatever the code put there."""
    code = (
        "import re\nfrom django.db import models\nfrom django.core.exceptions import ValidationError\n\n"
        "class Endpoint(models.Model):\n    host = models.CharField(max_length=200)\n\n"
        "    def clean(self):\n        if not re.match(r'^[a-z0-9.-]+$', self.host):\n            raise ValidationError('bad host')\n"
    )
    _low_until_undone("SLS129", code, "    host = models.CharField(max_length=200)\n", "    host = None\n", "medium")
    _low_until_undone("SLS129", code, "def clean(self):", "def save_host(self):", "medium")


def test_a_name_the_inherited_implementation_takes_when_it_does_not_match_is_routing():
    code = (
        "import re\n\nclass Settings:\n    def __setattr__(self, name, value):\n"
        "        if not re.match(r'[A-Z_]+$', name):\n            super().__setattr__(name, value)\n            return value\n"
        "        return self.store(name, value)\n"
    )
    _low_until_undone("SLS129", code, "super().__setattr__(name, value)", "self.reject(name, value)", "medium")


def test_a_value_that_matches_handed_to_another_validator_is_routing():
    code = (
        "import re\n\ndef is_hostname(host):\n    if host.count('.') == 3 and re.match(r'^[0-9.]+$', host):\n"
        "        return is_ipaddr(host)\n    return all(part.isalnum() for part in host.split('.'))\n"
    )
    _low_until_undone("SLS129", code, "return is_ipaddr(host)", "return True", "medium")


def test_a_check_after_one_that_refused_line_feeds_cannot_let_one_through():
    code = (
        "import re\n\ndef valid_user(name):\n    if re.search(r'[\\s\\x00-\\x1f]', name):\n        return False\n"
        "    if not re.match(r'^[a-z0-9_]+$', name):\n        return False\n    return True\n"
    )
    _quiet_until_undone("SLS129", code, "        return False\n    if not", "        name = name.lower()\n    if not")
    _quiet_until_undone("SLS129", code, "r'[\\s\\x00-\\x1f]'", "r'[\\t ]'")
    _quiet_until_undone("SLS129", code, "re.search(r'[\\s\\x00-\\x1f]', name)", "'\\n' in name.strip()")
    for refusing in ("'\\n' in name", "not name.isprintable()", "not re.fullmatch(r'[a-z0-9_]+', name)"):
        assert _confidence(code.replace("re.search(r'[\\s\\x00-\\x1f]', name)", refusing), "SLS129") == []
    # assigned again after the refusal: the new value was not checked
    assert _confidence(code.replace("    if not re.match", "    name = name + suffix\n    if not re.match"), "SLS129") == ["medium"]


def test_a_value_stripped_after_the_check_and_before_any_use_keeps_no_newline():
    code = (
        "import re\n\ndef avatar_path(avatar_id):\n    if not re.match(r'^[a-z0-9_ .-]+$', avatar_id):\n        raise ValueError('bad id')\n"
        "    if avatar_id == 'default':\n        avatar_id = 'anonymous'\n    avatar_id = avatar_id.strip().lower()\n    return f'/avatars/{avatar_id}.png'\n"
    )
    _quiet_until_undone("SLS129", code, "avatar_id.strip().lower()", "avatar_id.lower()")
    _quiet_until_undone("SLS129", code, "    if avatar_id == 'default':", "    log(avatar_id)\n    if avatar_id == 'default':")


def test_a_strip_on_one_path_only_leaves_the_other_paths_value_as_it_came():
    code = "import re\n\ndef check_code(code):\n    code = code.strip()\n    if not re.match(r'^[A-Z0-9]+$', code):\n        raise ValueError('bad code')\n    return code\n"
    _quiet_until_undone("SLS129", code, "    code = code.strip()\n", "    if code.startswith(' '):\n        code = code.strip()\n")
    _quiet_until_undone("SLS129", code, "    code = code.strip()\n", "    for _ in range(1):\n        code = code.strip()\n")


def test_a_match_that_starts_with_any_run_only_tests_the_end():
    code = "import re\n\ndef check_dir(url):\n    if not re.match(r'.*/$', url):\n        raise ValueError('not a folder')\n    return url\n"
    _quiet_until_undone("SLS129", code, "r'.*/$'", "r'[a-z:/.]*/$'")


def test_a_form_or_serializer_field_declared_unstripped_keeps_its_trailing_newline():
    form = (
        "import re\nfrom django import forms\n\nclass PhoneForm(forms.Form):\n    phone = forms.CharField(max_length=20)\n\n"
        "    def clean_phone(self):\n        value = self.cleaned_data.get('phone')\n"
        "        if not re.match(r'^\\+[0-9]+$', value):\n            raise forms.ValidationError('bad phone')\n        return value\n"
    )
    _quiet_until_undone("SLS129", form, "forms.CharField(max_length=20)", "forms.CharField(max_length=20, strip=False)")
    serializer = (
        "import re\nfrom rest_framework import serializers\n\nclass TagSerializer(serializers.Serializer):\n"
        "    name = serializers.CharField()\n\n    def validate_name(self, value):\n"
        "        if not re.match(r'^[a-z]+$', value):\n            raise serializers.ValidationError('bad tag')\n        return value\n"
    )
    _quiet_until_undone("SLS129", serializer, "serializers.CharField()", "serializers.CharField(trim_whitespace=False)")


def test_a_marshmallow_validator_sees_the_key_its_pre_load_hook_stripped():
    # marshmallow loads the field from what the @pre_load hook returned, then runs @validates on it
    schema = (
        "import re\nfrom marshmallow import Schema, ValidationError, fields, pre_load, validates\n\n"
        "class KeySchema(Schema):\n    key = fields.Str(required=True)\n\n"
        "    @pre_load\n    def sanitize_key(self, params, **kwargs):\n        params = dict(params)\n"
        "        if params.get('key'):\n            params['key'] = params['key'].lower().strip()\n        return params\n\n"
        "    @validates('key')\n    def validate_key(self, value):\n"
        "        if not re.match('^[a-z0-9_-]{1,32}$', value):\n            raise ValidationError('bad key')\n"
    )
    _quiet_until_undone("SLS129", schema, ".lower().strip()", ".lower()")
    # a hook that strips another key, or strips only under some other condition, leaves this one as sent
    _quiet_until_undone("SLS129", schema, "params['key'] = params['key'].lower().strip()", "params['name'] = params['key'].lower().strip()")
    _quiet_until_undone("SLS129", schema, "if params.get('key'):", "if kwargs.get('partial'):")


def test_a_django_models_own_validator_of_one_value_is_the_audit_tier():
    """A staticmethod of a model that validates one value (`Provider.validate_aws_uid(value)`, which
    the model's `clean()` calls on a field) gets a field's value as a listed validator does, whatever
    exception it raises; the same method on a class with no model fields is any function."""
    code = (
        "import re\nfrom django.db import models\n\nclass Provider(models.Model):\n    uid = models.CharField(max_length=64)\n\n"
        "    @staticmethod\n    def validate_aws_uid(value):\n        if not re.match(r'^\\d{12}$', value):\n            raise ProviderError('bad id')\n"
    )
    _low_until_undone("SLS129", code, "    uid = models.CharField(max_length=64)\n", "    uid = None\n", "medium")
    _low_until_undone("SLS129", code, "    @staticmethod\n    def validate_aws_uid(value):", "    def validate_aws_uid(self, value):", "medium")


def test_a_json_api_serializers_field_validator_gets_the_stripped_value_or_its_fallback():
    """django-rest-framework-json-api's `serializers` re-exports DRF's: its CharField strips too.
    `value or ""` is that value or the code's own empty text."""
    code = (
        "import re\nfrom rest_framework_json_api import serializers\n\nclass KeySerializer(serializers.Serializer):\n"
        "    api_key = serializers.CharField()\n\n    def validate_api_key(self, value):\n"
        "        if not re.match(r'^sk-[\\w-]+$', value or ''):\n            raise serializers.ValidationError('bad key')\n        return value\n"
    )
    _quiet_until_undone("SLS129", code, "from rest_framework_json_api import serializers", "from marshmallow_jsonapi import serializers")
    _quiet_until_undone("SLS129", code, "value or ''", "value or '\\n'")
    _quiet_until_undone("SLS129", code, "value or ''", "value or suffix")
