"""Gives a synthetic corpus the vocabulary of real plans: every progress report's body becomes
consecutive sentences of the real published plans the importer is tested on
(tests/fixtures/import/real/) and of the seed plans (../shared/seeds/), as many characters as
the body had, from a starting sentence chosen by the file's name (the same corpus gives the
same bytes). The front matter, the tasks and everything else stay as they are.

    python3 tests/bench/real_bodies.py CORPUS        (CORPUS/content/plans/*/progress/*.md)

The files are rewritten in place, and nothing else is touched: run it on a copy of a
generated corpus (cp -r), never on a site's own content.

Why: gen_corpus.py draws its text from a small pool of sentences, so the 10k corpus holds
36,938 distinct search terms. Real text holds about one new four-character term per
character until it starts to repeat; with these bodies the 10k corpus holds 217,667, and the
search index, the 繁體 table and memory cost what they would on a real portal's reports.
"""

import hashlib
import pathlib
import random
import re
import sys

repo = pathlib.Path(__file__).resolve().parents[2]
sources = sorted((repo / "tests/fixtures/import/real").glob("*.txt")) + sorted(
    (repo.parent / "shared/seeds").glob("*.txt")
)
text = re.sub(r"\s+", "", "\n".join(p.read_text(encoding="utf-8") for p in sources))
sentences = [
    s for s in re.split(r"(?<=[。;;!?!?])", text) if re.search(r"[\u3400-\u9fff]{4}", s)
]
print(f"{len(sentences)} sentences, {sum(map(len, sentences))} characters of real text",
      file=sys.stderr)

count = 0
for path in sorted(pathlib.Path(sys.argv[1]).glob("content/plans/*/progress/*.md")):
    _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
    want = len(body.strip())
    pick = random.Random(hashlib.sha256(path.name.encode() + path.parent.parent.name.encode()).digest())
    i = pick.randrange(len(sentences))
    new = ""
    while len(new) < want:
        new += sentences[i % len(sentences)]
        i += 1
    path.write_text(f"+++{front}+++\n{new}\n", encoding="utf-8")
    count += 1
print(f"{count} report bodies rewritten", file=sys.stderr)
