"""PlatePattern: parsing, explanations, escaping, and matching against a plain oracle."""
import pytest
from hypothesis import given, settings, strategies as st

from app.domain.errors import ValidationError
from app.domain.patterns import PlatePattern
from app.domain.plates import confusables


def oracle(tokens, plate: str, fuzzy: bool) -> bool:
    """Plain recursive matcher: the meaning of ? and * written as simply as possible."""
    if not tokens:
        return plate == ""
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        return any(oracle(rest, plate[i:], fuzzy) for i in range(len(plate) + 1))
    if not plate:
        return False
    if head == "?":
        return oracle(rest, plate[1:], fuzzy)
    same = plate[0] in confusables(head) if fuzzy else plate[0] == head
    return same and oracle(rest, plate[1:], fuzzy)


@pytest.mark.parametrize("typed, like", [
    ("7ABC123", "7ABC123"),
    ("7ab*", "7AB%"),
    ("*4x2*", "%4X2%"),
    ("7?B??23", "7_B__23"),
    ("7AB-C 123", "7ABC123"),
    ("7A%B", "7A\\%B"),
    ("7A_B", "7A\\_B"),
    ("7A\\B", "7A\\\\B"),
    ("7A**B", "7A%B"),
])
def test_like_escapes_what_the_user_typed(typed, like):
    assert PlatePattern.parse(typed).like() == like


@pytest.mark.parametrize("typed", ["", "   ", "*", "?", "***", "?*?", "- -"])
def test_a_pattern_with_nothing_known_is_refused_with_an_explanation(typed):
    with pytest.raises(ValidationError, match="(no known character|Enter a plate)"):
        PlatePattern.parse(typed)


def test_explanations():
    assert PlatePattern.parse("7AB*").describe() == "7AB then any characters"
    assert PlatePattern.parse("7?B").describe() == "7 then one unknown character then B"
    assert PlatePattern.parse("7ABC123").describe() == "exactly 7ABC123"
    assert "look-alike" in PlatePattern.parse("7ABC123", fuzzy=True).describe()


def test_glob_uses_classes_of_look_alikes():
    assert PlatePattern.parse("8O*", fuzzy=True).glob() == "[8B][0DOQ]*"
    assert PlatePattern.parse("8O*").glob() == "8O*"


def test_fuzzy_hits_name_the_differing_characters():
    pattern = PlatePattern.parse("7ABC1O3", fuzzy=True)
    assert pattern.match("7ABC103").differences == (("O", "0", 5),)
    assert pattern.match("7ABC1O3").fuzzy is False
    assert pattern.match("7XBC1O3") is None
    assert PlatePattern.parse("7ABC1O3").match("7ABC103") is None


plates = st.text(alphabet="ABCDGIL0125678OQSZ", min_size=0, max_size=8)
patterns = st.lists(st.sampled_from(list("ABCDGIL0125678OQSZ?*")), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(tokens=patterns, plate=plates, fuzzy=st.booleans())
def test_matching_agrees_with_the_oracle(tokens, plate, fuzzy):
    try:
        pattern = PlatePattern.parse("".join(tokens), fuzzy=fuzzy)
    except ValidationError:
        assert all(t in "?*" for t in tokens)
        return
    assert (pattern.match(plate) is not None) == oracle(pattern.tokens, plate, fuzzy)
