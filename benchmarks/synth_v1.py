"""Synthetic API v1.1 stream tweets of about 3.4 KB each (the shape of DESIGN.md section 7).

Real stream tweets carry a full user object and entities; the size matters because decoding
cost is per byte. Usage: ``python benchmarks/synth_v1.py OUT.jsonl --tweets 300000 [--gzip]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time

EPOCH_MS = 1_288_834_974_657
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_WORDS = "de het een en van ik je is dat niet op te met voor wachten storing klantenservice bestelling factuur".split()


def twitter_date(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon-1]} {t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year}"


PLACE = {
    "id": "5b4d5b7a3c6e8f90", "url": "https://api.twitter.com/1.1/geo/id/5b4d5b7a3c6e8f90.json",
    "place_type": "city", "name": "Utrecht", "full_name": "Utrecht, Nederland", "country_code": "NL",
    "country": "Nederland",
    "bounding_box": {"type": "Polygon", "coordinates": [[[4.9707, 52.0263], [4.9707, 52.1426],
                                                         [5.1952, 52.1426], [5.1952, 52.0263]]]},
    "attributes": {},
}
_URL = {"url": "https://t.co/AbCdEfGhIj", "expanded_url": "https://www.voorbeeld.nl/klantenservice/contact/formulier?bron=twitter",
        "display_url": "voorbeeld.nl/klantenservice/…", "indices": [100, 123]}


def user(uid: int) -> dict:
    return {
        "id": uid, "id_str": str(uid), "name": f"Gebruiker {uid}", "screen_name": f"user{uid}",
        "location": "Utrecht, Nederland", "url": None,
        "description": "Liefhebber van koffie, fietsen en goede klantenservice. Meningen zijn van mijzelf. " * 5,
        "translator_type": "none", "protected": False, "verified": False, "followers_count": uid % 5000,
        "friends_count": uid % 700, "listed_count": 3, "favourites_count": 1200, "statuses_count": 5400,
        "created_at": "Tue Mar 03 10:00:00 +0000 2009", "utc_offset": None, "time_zone": None,
        "geo_enabled": False, "lang": None, "contributors_enabled": False, "is_translator": False,
        "profile_background_color": "C0DEED",
        "profile_background_image_url": "http://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_image_url_https": "https://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_tile": False, "profile_link_color": "1DA1F2",
        "profile_sidebar_border_color": "C0DEED", "profile_sidebar_fill_color": "DDEEF6",
        "profile_text_color": "333333", "profile_use_background_image": True,
        "profile_image_url": f"http://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg",
        "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg",
        "profile_banner_url": f"https://pbs.twimg.com/profile_banners/{uid}/1480000000",
        "default_profile": True, "default_profile_image": False, "following": None,
        "follow_request_sent": None, "notifications": None,
    }


def tweet(i: int, rng: random.Random, t0_ms: int) -> dict:
    ms = t0_ms + i * 97
    tid = ((ms - EPOCH_MS) << 22) | (i & 0x3FFFFF)
    uid = 10_000 + rng.randrange(200_000)
    brand = rng.randrange(100)
    text = f"@merk{brand} " + " ".join(rng.choice(_WORDS) for _ in range(14))
    reply = rng.random() < 0.3
    return {
        "created_at": twitter_date(ms), "id": tid, "id_str": str(tid), "text": text,
        "source": '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
        "truncated": False,
        "in_reply_to_status_id": tid - 5000 if reply else None,
        "in_reply_to_status_id_str": str(tid - 5000) if reply else None,
        "in_reply_to_user_id": 900 + brand if reply else None,
        "in_reply_to_user_id_str": str(900 + brand) if reply else None,
        "in_reply_to_screen_name": f"merk{brand}" if reply else None,
        "user": user(uid), "geo": None, "coordinates": None, "place": PLACE, "contributors": None,
        "is_quote_status": False, "quote_count": 0, "reply_count": 0, "retweet_count": 0,
        "favorite_count": 0,
        "entities": {"hashtags": [{"text": "klantenservice", "indices": [80, 95]}], "urls": [_URL, _URL], "symbols": [],
                     "user_mentions": [{"screen_name": f"merk{brand}", "name": f"Merk {brand}",
                                        "id": 900 + brand, "id_str": str(900 + brand), "indices": [0, 6]}]},
        "favorited": False, "retweeted": False, "filter_level": "low", "lang": "nl",
        "timestamp_ms": str(ms),
    }


def write(path: str, n: int, gz: bool, seed: int = 1) -> int:
    rng = random.Random(seed)
    t0 = 1_451_606_400_000  # 2016-01-01
    opener = (lambda p: gzip.open(p, "wb", compresslevel=1)) if gz else (lambda p: open(p, "wb"))
    size = 0
    with opener(path) as f:
        for i in range(n):
            line = json.dumps(tweet(i, rng, t0), separators=(",", ":")).encode() + b"\n"
            size += len(line)
            f.write(line)
    return size


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--tweets", type=int, default=300_000)
    ap.add_argument("--gzip", action="store_true")
    a = ap.parse_args()
    print(write(a.out, a.tweets, a.gzip))
