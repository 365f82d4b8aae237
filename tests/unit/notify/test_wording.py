"""Nothing that leaves the portal reveals substance treatment: every template, both languages,
subject, body, SMS text and sender, checked against the deny-list in app/notify/wording.py."""

import pytest

from app.core.config import NotifySettings, load_centre, DEFAULT_CENTRE_FILE
from app.core.i18n import LANGUAGES
from app.notify.config import NotifyConfig
from app.notify.render import KINDS, render_kind
from app.notify.wording import is_neutral, revealing_words
from tests.factories.notices import ICS, SAMPLES

CENTRE = load_centre(DEFAULT_CENTRE_FILE)
CONFIG = NotifyConfig(NotifySettings(smtp_host="mail", smtp_from="post@haderslev.dk", sms_gateway_url="http://sms",
                                     portal_url="https://selvbetjening.haderslev.dk"), CENTRE)


def test_every_kind_has_sample_context():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_template_is_neutral_in_both_languages(kind, lang):
    text = render_kind(kind, lang=lang, context=SAMPLES[kind], config=CONFIG)
    assert text.subject and text.body.strip() and text.sms
    for part in (text.subject, text.body, text.sms):
        assert revealing_words(part) == [], (kind, lang, part)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_english_templates_are_translated(kind):
    da = render_kind(kind, lang="da", context=SAMPLES[kind], config=CONFIG)
    en = render_kind(kind, lang="en", context=SAMPLES[kind], config=CONFIG)
    assert da.subject != en.subject and da.body != en.body


def test_sender_name_and_sign_in_address_are_neutral():
    assert is_neutral(CONFIG.sender_name, CONFIG.sms_sender, CONFIG.login_url)
    assert CONFIG.sms_sender == "HaderslevKo"  # alphanumeric, at most 11 characters


def test_sample_calendar_attachment_is_neutral():
    assert is_neutral(ICS.decode())


@pytest.mark.parametrize("text", [
    "Rusmiddelcentret", "rusmiddelcentret@haderslev.dk", "https://rusmiddelportalen.haderslev.dk/status",
    "Åben Rådgivning", "alkoholbehandling", "Stofmisbrug", "din behandling", "antabus", "afrusning",
    "abstinenser", "MOVE", "Bramdruphus", "Serviceloven § 101", "§141", "AUDIT", "drug counselling",
    "alcohol treatment", "addiction", "detox", "substance", "your therapist", "sober",
])
def test_deny_list_catches_revealing_words(text):
    assert revealing_words(text), text


@pytest.mark.parametrize("text", [
    "Kristoffer", "Du har en ny besked fra Haderslev Kommune", "Der er nyt i din sag",
    "If you move house, tell us", "Clausensvej 25, 6100 Haderslev", "Haderslev Kommune",
])
def test_deny_list_leaves_ordinary_words_alone(text):
    assert revealing_words(text) == [], text


def test_new_message_notice_never_carries_the_message():
    context = {"text": "Vi ses til samtalen om dit forbrug", "body": "hemmeligt", "content": "hemmeligt"}
    for lang in LANGUAGES:
        text = render_kind("new_message", lang=lang, context=context, config=CONFIG)
        for part in (text.subject, text.body, text.sms):
            assert "hemmeligt" not in part and "forbrug" not in part
    assert render_kind("new_message", lang="da", context={}, config=CONFIG).subject == \
        "Du har en ny besked fra Haderslev Kommune"


def test_deadline_letter_outside_the_portal_only_says_there_is_news():
    text = render_kind("deadline_letter", lang="da", context={}, config=CONFIG)
    assert text.subject == "Der er nyt i din sag"
    assert "https://selvbetjening.haderslev.dk/status" in text.body
    assert "14" not in text.body and "frist" not in text.body.lower()
