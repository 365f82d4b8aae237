from hypothesis import given, strategies as st

from app.core import codes


def test_code_has_at_least_64_bits_in_the_secret_verifier():
    assert codes.VERIFIER_BITS >= 64


def test_code_is_shown_in_five_groups_of_four():
    code = codes.generate_code()
    groups = code.display.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
    assert set(code.compact) <= set(codes.ALPHABET)


def test_typed_code_tolerates_case_spaces_dashes_and_confusables():
    code = codes.generate_code()
    messy = code.display.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    parsed = codes.parse_code("  " + messy + " ")
    assert parsed == code


def test_single_typo_is_caught_by_the_check_character():
    code = codes.generate_code()
    compact = code.compact
    for i in range(len(compact)):
        for ch in codes.ALPHABET:
            if ch == compact[i] or {ch, compact[i]} == {"0", "Z"}:
                continue
            typo = compact[:i] + ch + compact[i + 1:]
            assert codes.parse_code(typo) is None


def test_swapped_neighbours_are_caught():
    code = codes.generate_code()
    c = code.compact
    for i in range(len(c) - 1):
        if c[i] != c[i + 1] and {c[i], c[i + 1]} != {"0", "Z"}:
            assert codes.parse_code(c[:i] + c[i + 1] + c[i] + c[i + 2:]) is None


@given(st.text(max_size=60))
def test_parse_never_raises_on_any_input(text):
    assert codes.parse_code(text) is None or len(codes.parse_code(text).compact) == codes.CODE_LEN


def test_pseudonym_looks_like_colour_animal_number():
    parts = codes.generate_pseudonym().split(" ")
    assert len(parts) == 3 and parts[2].isdigit()
