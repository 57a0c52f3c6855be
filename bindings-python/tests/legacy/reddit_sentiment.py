# A copy of the legacy sentiment service's scoring (the seed's
# analyze_reddit_sentiment), with only the Reddit client call replaced by a
# parameter. test_legacy_code.py runs it as it is and with the import line
# below swapped for tickersense's, and compares the results.
from textblob import TextBlob


def analyze_reddit_sentiment(symbol, submissions):
    try:
        sentiments = []
        keywords = []
        source_urls = []

        for submission in submissions:
            text = f"{submission['title']} {submission['selftext']}"
            blob = TextBlob(text)
            sentiment = blob.sentiment.polarity

            sentiments.append(sentiment)

            words = blob.noun_phrases
            keywords.extend(words)

            source_urls.append(f"https://reddit.com{submission['permalink']}")

        if not sentiments:
            return None

        avg_sentiment = sum(sentiments) / len(sentiments)
        confidence = abs(avg_sentiment)

        keyword_counts = {}
        for keyword in keywords:
            keyword_counts[keyword] = keyword_counts.get(keyword, 0) + 1

        top_keywords = sorted(keyword_counts.items(), key=lambda x: x[1], reverse=True)[:10]

        return dict(
            symbol=symbol.upper(),
            platform="reddit",
            sentiment_score=avg_sentiment,
            confidence=confidence,
            mention_count=len(sentiments),
            keywords=[kw for kw, count in top_keywords],
            source_urls=source_urls[:10],
        )
    except Exception as e:
        print(f"Reddit sentiment analysis error: {e}")
        return None
