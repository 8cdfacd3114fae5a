"""A Django admin class's display callables get an instance of the model it is registered for:
`obj.amount` of a DecimalField is a number (engine/admin_sites.py)."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

MODELS = """
from django.db import models


class BasePayment(models.Model):
    class Meta:
        abstract = True

    amount = models.DecimalField(max_digits=10, decimal_places=2)


class Payment(BasePayment):
    note = models.CharField(max_length=200)
    deal = models.ForeignKey("Deal", on_delete=models.CASCADE)
    receipt = models.ImageField(upload_to="receipts")
"""

PAYMENT_ADMIN = """
from django.contrib import admin
from django.utils.safestring import mark_safe


class PaymentAdmin(admin.ModelAdmin):
    def amount_badge(self, obj):
        return mark_safe(f'<b>{obj.amount}</b> <a href="/deals/{obj.deal_id}/"><img src="{obj.receipt.url}"></a>')

    def note_badge(self, obj):
        return mark_safe(f"<i>{obj.note}</i>")
"""

ADMIN = """
from django.contrib import admin

from .models import Payment
from .site.paymentadmin import PaymentAdmin

admin.site.register(Payment, PaymentAdmin)
"""

FILES = {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/site/__init__.py": "", "shop/site/paymentadmin.py": PAYMENT_ADMIN}


def _found(root, *options: str) -> list[tuple[str, str, int]]:
    run = check_json(*options, ".", cwd=root)
    return sorted((f["path"].replace("\\\\", "/"), f["rule"], f["range"]["start"]["line"]) for f in run.findings())


def test_a_number_field_of_the_model_an_admin_module_registers_is_no_markup(tmp_path):
    root = write(tmp_path / "site", {**FILES, "shop/admin.py": ADMIN})
    # the amount (inherited from an abstract base) and the foreign key's id are numbers, the upload's
    # URL is the storage's; the note is text
    assert _found(root) == [("shop/site/paymentadmin.py", "SLS801", 10)]


def test_an_admin_class_nothing_registers_keeps_its_parameter(tmp_path):
    root = write(tmp_path / "site", FILES)
    assert _found(root) == [("shop/site/paymentadmin.py", "SLS801", 7), ("shop/site/paymentadmin.py", "SLS801", 10)]
    # one admin class name registered for two models says nothing about either
    twice = ADMIN + "\nfrom .models import Deal\nadmin.site.register(Deal, PaymentAdmin)\n"
    root = write(tmp_path / "twice", {**FILES, "shop/admin.py": twice})
    assert ("shop/site/paymentadmin.py", "SLS801", 7) in _found(root)


DECORATED_ADMIN = """
from django.contrib import admin
from django.utils.safestring import mark_safe

from shop.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    def amount_badge(self, obj):
        return mark_safe(f'<b>{obj.amount}</b> <a href="/deals/{obj.deal_id}/"><img src="{obj.receipt.url}"></a>')

    def note_badge(self, obj):
        return mark_safe(f"<i>{obj.note}</i>")
"""


def test_a_class_registered_by_its_own_decorator(tmp_path):
    root = write(tmp_path / "site", {**FILES, "shop/site/paymentadmin.py": DECORATED_ADMIN})
    assert _found(root) == [("shop/site/paymentadmin.py", "SLS801", 13)]


def test_a_registration_removed_reaches_cached_results(tmp_path):
    root = write(tmp_path / "site", {**FILES, "shop/admin.py": ADMIN})
    assert _found(root) == [("shop/site/paymentadmin.py", "SLS801", 10)]
    write(root, {"shop/admin.py": ADMIN.replace("admin.site.register(Payment, PaymentAdmin)", "")})
    warm = _found(root)
    assert warm == [("shop/site/paymentadmin.py", "SLS801", 7), ("shop/site/paymentadmin.py", "SLS801", 10)]
    assert warm == _found(root, "--no-cache")
