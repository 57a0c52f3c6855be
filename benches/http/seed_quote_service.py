# The seed's Stock Service (its section 4.2, stock-service/app/main.py), the
# peer of the HTTP benchmark, repaired only where it does not run:
#   1. `import json`: the cache decorator calls json.loads/json.dumps, never imported.
#   2. `import requests`: the search endpoint calls requests.get, never imported.
#   3. The Redis client was the synchronous one, called without await inside
#      async code: now redis.asyncio, and its two calls awaited.
#   4. Redis at host 'redis' (the seed's compose network): host and port from
#      SEED_REDIS_HOST / SEED_REDIS_PORT (default 127.0.0.1:6379).
#   5. The decorator's wrapper hid the endpoint's signature (`*args,
#      **kwargs`), so FastAPI asked for `args` and `kwargs` query parameters
#      and never passed `symbol`: functools.wraps keeps it.
#   6. On a miss it stored json.dumps(a pydantic model), a TypeError:
#      jsonable_encoder(result) first.
#   7. uvicorn on 127.0.0.1 (the benchmark stays on loopback), port from
#      SEED_PORT (default the seed's 8001).
# Everything else is the seed's, its bugs included (str(e) in a 500, the
# 404 re-raised as a 500, CORS * with credentials). Measured on a cache hit:
# the benchmark fills the key `get_stock_quote:():{'symbol': 'AAPL'}` first.
from fastapi import FastAPI, HTTPException, Depends
from fastapi.encoders import jsonable_encoder
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel
from typing import List, Optional
import functools
import json
import os
import requests
import yfinance as yf
import redis.asyncio as redis
import asyncio
from datetime import datetime, timedelta

app = FastAPI(title="Stock Service", version="1.0.0")

# CORS
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

# Redis
redis_client = redis.Redis(host=os.environ.get("SEED_REDIS_HOST", "127.0.0.1"),
                           port=int(os.environ.get("SEED_REDIS_PORT", "6379")),
                           decode_responses=True)

# Models
class StockQuote(BaseModel):
    symbol: str
    price: float
    change: float
    change_percent: float
    volume: int
    market_cap: Optional[int] = None
    pe_ratio: Optional[float] = None

class StockHistory(BaseModel):
    symbol: str
    period: str
    data: List[dict]

# Caching decorator
def cache_result(ttl: int = 300):
    def decorator(func):
        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            cache_key = f"{func.__name__}:{str(args)}:{str(kwargs)}"
            cached_result = await redis_client.get(cache_key)
            if cached_result:
                return json.loads(cached_result)

            result = await func(*args, **kwargs)
            await redis_client.setex(cache_key, ttl, json.dumps(jsonable_encoder(result)))
            return result
        return wrapper
    return decorator

# API endpoints
@app.get("/api/v1/stocks/{symbol}/quote", response_model=StockQuote)
@cache_result(ttl=60)
async def get_stock_quote(symbol: str):
    try:
        ticker = yf.Ticker(symbol.upper())
        info = ticker.info

        current_price = info.get('currentPrice') or info.get('regularMarketPrice')
        previous_close = info.get('previousClose')

        if not current_price or not previous_close:
            raise HTTPException(status_code=404, detail="Stock data not found")

        change = current_price - previous_close
        change_percent = (change / previous_close) * 100

        return StockQuote(
            symbol=symbol.upper(),
            price=current_price,
            change=change,
            change_percent=change_percent,
            volume=info.get('volume', 0),
            market_cap=info.get('marketCap'),
            pe_ratio=info.get('trailingPE')
        )
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e))

@app.get("/api/v1/stocks/{symbol}/history", response_model=StockHistory)
@cache_result(ttl=300)
async def get_stock_history(symbol: str, period: str = "1mo"):
    try:
        ticker = yf.Ticker(symbol.upper())
        hist = ticker.history(period=period)

        if hist.empty:
            raise HTTPException(status_code=404, detail="Historical data not found")

        data = []
        for date, row in hist.iterrows():
            data.append({
                'date': date.isoformat(),
                'open': float(row['Open']),
                'high': float(row['High']),
                'low': float(row['Low']),
                'close': float(row['Close']),
                'volume': int(row['Volume'])
            })

        return StockHistory(
            symbol=symbol.upper(),
            period=period,
            data=data
        )
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e))

@app.post("/api/v1/stocks/search")
async def search_stocks(query: str, limit: int = 10):
    try:
        url = "https://query2.finance.yahoo.com/v1/finance/search"
        params = {
            "q": query,
            "quotes_count": limit,
            "country": "United States"
        }

        response = requests.get(url, params=params)
        if response.status_code == 200:
            data = response.json()
            results = []
            for quote in data.get('quotes', []):
                results.append({
                    'symbol': quote.get('symbol'),
                    'name': quote.get('shortname') or quote.get('longname'),
                    'type': quote.get('quoteType'),
                    'exchange': quote.get('exchange')
                })
            return results
        else:
            raise HTTPException(status_code=400, detail="Search failed")
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e))

if __name__ == "__main__":
    import uvicorn
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("SEED_PORT", "8001")))
