"""The harvest core: text analysis, themes, word clouds and charts, as pure functions.

Plain data in, plain data out; no Flask, database or Socket.IO. Everything here is CPU
work (and the first call loads a language model): run it in a worker process, never in
the event loop (DESIGN.md section 5). Modules, lightest first:

- `base`: `Note`, `Term`, `TextConfig`, `TextTooLong`.
- `tokens`, `lexicon`, `language`, `text`: from a note to its content words.
- `terms`: term frequencies and phrases per scope.
- `themes`: clustering into labelled themes with a representative note.
- `cloud`, `charts`, `palette`: PNG and SVG output.

This package imports none of its heavy dependencies (scikit-learn, matplotlib,
wordcloud) until one of those modules is imported.
"""
