"""The personal-data screen catches each kind of direct identifier in realistic Dutch
sentences, and leaves amounts, dates of events, article numbers and references alone."""

import pytest

from maatwerk.core.personal_data import find_personal_data, highlight_spans, is_bsn, is_iban


def kinds(text, **kwargs):
    return [(hit.kind, hit.text) for hit in find_personal_data(text, **kwargs)]


@pytest.mark.parametrize(
    ("sentence", "kind", "found"),
    [
        ("Het BSN van mevrouw is 111222333, dat stond in de brief.", "bsn", "111222333"),
        ("BSN 1112.22.333 staat op de beschikking.", "bsn", "1112.22.333"),
        ("Zijn nummer 123 456 782 kwam terug in het dossier.", "bsn", "123 456 782"),
        ("Bel haar op 06-12345678 als het misgaat.", "phone", "06-12345678"),
        ("Meneer is bereikbaar via 06 1234 5678 na vijven.", "phone", "06 1234 5678"),
        ("Het wijkteam belde +31 6 12345678 zonder antwoord.", "phone", "+31 6 12345678"),
        ("Telefoon 020-1234567 (alleen ochtenden).", "phone", "020-1234567"),
        ("Zijn nummer is 0031612345678.", "phone", "0031612345678"),
        ("Mail naar j.de.vries@example.nl voor de afspraak.", "email", "j.de.vries@example.nl"),
        ("Het gezin woont op Kerkstraat 12a in de wijk.", "address", "Kerkstraat 12a"),
        ("Nieuw adres: 3511 AB 12, tweede verdieping.", "address", "3511 AB 12"),
        ("Ze verhuisde naar Van der Helstlaan 4-2.", "address", "Van der Helstlaan 4-2"),
        (
            "Post naar Burgemeester de Withstraat 3 II.",
            "address",
            "Burgemeester de Withstraat 3 II",
        ),
        ("Zij is geboren op 12-03-1985 in Utrecht.", "birth_date", "12-03-1985"),
        ("Geboortedatum: 3 maart 1990.", "birth_date", "3 maart 1990"),
        ("Zoon (geb. 1-2-2012) gaat naar school.", "birth_date", "1-2-2012"),
        ("De huur gaat van NL91ABNA0417164300 naar de verhuurder.", "iban", "NL91ABNA0417164300"),
        ("Rekening NL91 ABNA 0417 1643 00 is geblokkeerd.", "iban", "NL91 ABNA 0417 1643 00"),
    ],
)
def test_each_kind_is_found_in_a_realistic_sentence(sentence, kind, found):
    assert (kind, found) in kinds(sentence)


def test_a_postcode_with_a_street_and_number_is_one_address():
    hits = kinds("Zij woont aan de Dorpsweg 7, 1234 AB Ergens.")
    assert [kind for kind, _ in hits] == ["address"]
    assert "Dorpsweg 7" in hits[0][1] and "1234 AB" in hits[0][1]


@pytest.mark.parametrize(
    "sentence",
    [
        "De schuld bij de Belastingdienst was € 12.345,67 en is kwijtgescholden.",
        "Een huurachterstand van 1.250 euro; de verhuurder vroeg € 3.500,00.",
        "Op 3 maart 2023 besloot het UWV de uitkering te herzien.",
        "Het besluit van 12-05-2024 werd op 1 juni 2024 herroepen.",
        "Op grond van art. 18 lid 1 Participatiewet is de bijstand verlaagd.",
        "Artikel 4:84 Awb (inherente afwijkingsbevoegdheid) gaf de ruimte.",
        "Verzoek VZ-2023-00012 aan CAK, zaak MW-2023-00041, 123 dagen doorlooptijd.",
        "In 2019 begon de schuld; in 2021 volgde de beslaglegging.",
        "Het gezin woont in postcode 3511 AB, een wijk met veel schulden.",
        "Het kostte 123456789 euro",  # nine digits that fail the eleven-test
        "Uitkering van 1.234.567,89 over tien jaar.",
        "De kostendelersnorm (art. 22a) raakte drie volwassenen.",
    ],
)
def test_ordinary_case_text_is_not_flagged(sentence):
    assert kinds(sentence) == []


def test_the_households_own_identifiers_are_found_regardless_of_case_and_accents():
    known = ["Priya Ramdin", "Kerkstraat 12", "Zoë"]
    hits = kinds("Mevrouw PRIYA  ramdin en haar dochter Zoe belden.", known=known)
    assert ("known", "PRIYA  ramdin") in hits
    assert ("known", "Zoe") in hits


def test_short_known_values_do_not_flag_every_word():
    assert kinds("Ze is er op 12 mei.", known=["12", "Ze"]) == []


def test_checks():
    assert is_bsn("111222333") and is_bsn("123456782")
    assert not is_bsn("123456789") and not is_bsn("000000000") and not is_bsn("12345678")
    assert is_iban("NL91ABNA0417164300") and is_iban("DE89 3704 0044 0532 0130 00")
    assert not is_iban("NL91ABNA0417164301")


def test_highlight_spans_cut_the_text_around_the_hits():
    text = "Bel 06-12345678 of mail a@b.nl."
    pieces = highlight_spans(text, find_personal_data(text))
    assert "".join(piece for piece, _ in pieces) == text
    assert [kind for _, kind in pieces if kind] == ["phone", "email"]
