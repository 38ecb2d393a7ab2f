from __future__ import annotations

import pytest

from autograder.lectures.citation import Citation, NotACitation


def test_a_citation_reads_back_as_it_was_written_commas_colons_and_quotes_in_titles_included():
    citation = Citation("Python with Keras, Regularization", 'Passing a vector with information forward "memory"')
    assert str(citation) == 'lecture "Python with Keras, Regularization", slide "Passing a vector with information forward "memory""'
    assert Citation.parse(str(citation)) == citation


@pytest.mark.parametrize("text", [
    "003_ab2276fd2fad6cef.txt, Inverted Dropout",
    'lecture "Deep learning"',
    'slide "Inverted Dropout"',
    'lecture "", slide "Inverted Dropout"',
])
def test_a_file_name_or_half_a_citation_is_refused_in_one_sentence(text):
    with pytest.raises(NotACitation, match=r'^".*" is not a citation of the form lecture "TITLE", slide "SLIDE TITLE"\.$'):
        Citation.parse(text)
