"""Python side of the sentiment benchmark: vaderSentiment and TextBlob
against tickersense's binding on the same corpus, in one run.

    python benches/sentiment/compare.py CORPUS.txt
"""

import sys
import time

import tickersense
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def rate(label, count, fn):
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {count / best:>12,.0f} posts/s")
    return count / best


def main(path):
    texts = open(path, encoding="utf-8").read().split("\n")[:-1]
    ref = SentimentIntensityAnalyzer()
    ours = tickersense.Vader()
    subset = texts[:10_000]
    python = rate("vaderSentiment 3.3.2 (one core)", len(subset), lambda: [ref.polarity_scores(t) for t in subset])
    single = rate("tickersense.Vader().polarity_scores loop", len(subset), lambda: [ours.polarity_scores(t) for t in subset])
    many = rate("tickersense.Vader().polarity_scores_many", len(texts), lambda: ours.polarity_scores_many(texts))
    print(f"ratios: loop {single / python:.1f}x, many {many / python:.1f}x vaderSentiment")

    analyzer = tickersense.TextBlobAnalyzer()
    few = texts[:5_000]
    python = rate("TextBlob 0.20.1 (one core)", len(few), lambda: [TextBlob(t).sentiment for t in few])
    single = rate("tickersense.TextBlobAnalyzer().sentiment loop", len(subset), lambda: [analyzer.sentiment(t) for t in subset])
    many = rate("tickersense.TextBlobAnalyzer().sentiment_many", len(texts), lambda: analyzer.sentiment_many(texts))
    print(f"ratios: loop {single / python:.1f}x, many {many / python:.1f}x TextBlob")


if __name__ == "__main__":
    main(sys.argv[1])
