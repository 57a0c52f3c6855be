"""Writes the benchmark corpus: finance-flavoured posts of 80 to 150 bytes
(about 115 on average), one per line, from a fixed seed.

    python benches/sentiment/make_corpus.py OUT.txt [COUNT]
"""

import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bindings-python" / "tests"))
from posts import post  # noqa: E402


def corpus(count: int, seed: int = 20240101) -> list:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        text = " ".join(post(rng).split())
        if 80 <= len(text.encode()) <= 150:
            out.append(text)
    return out


if __name__ == "__main__":
    target = pathlib.Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    texts = corpus(count)
    target.write_text("\n".join(texts) + "\n", encoding="utf-8")
    mean = sum(len(t.encode()) for t in texts) / len(texts)
    print(f"{len(texts)} posts, mean {mean:.1f} bytes -> {target}")
