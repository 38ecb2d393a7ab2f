"""From a lecture deck's code listings to proposed exercises, one stage per module.

``reader`` reads a deck (``text_deck`` for text or markdown exported from
slides, ``notebook_deck`` for a Jupyter lecture notebook) into the types of
``deck``: its title, slides and listings; ``cleaning`` repairs what the export damaged
(``repairs`` names each rule) and parses the result; ``analysis`` decides
what a cleaned listing is (a Keras model, an array computation, or not an
exercise) with ``names`` finding its free inputs; ``proposal`` writes the
function an exercise would ask for; ``survey`` runs the stages over decks and
``report`` renders what an instructor reads before anything is written.
"""
