#!/usr/bin/env python3
"""The dashboard's people layer (issue 19): payload and time of `/crises/<id>/points.json` for
views a consul opens, with every person of the export bench (bench/exports, `--people` people,
all affected) on the map, next to the every-point payload the layer replaced (one
[lat, lon, status, id] per person, built from the same rows in the same run).

    DATABASE_URL=… python bench/crises/bench_map_layer.py [--people 100000]

Sizes are of the JSON body as sent (DEBUG off, no compression) and gzip-compressed (level 6, what
a front server's compression gives); times are the request's wall time through Django's test
client, median of 5.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exports"))

import bench_exports  # noqa: E402  (sets Django up on the same database)
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from amparo.crises import queries  # noqa: E402
from amparo.registry.access import exact_position_q  # noqa: E402
from amparo.registry.models import Person  # noqa: E402

VIEWS = [
    ("region (Mexico and Central America), zoom 5", 5, "-118,7,-77,33"),
    ("one state (Chiapas), zoom 8", 8, "-94.5,14.5,-91.5,17.5"),
    ("one city (Tapachula), zoom 12", 12, "-92.35,14.85,-92.2,14.95"),
]


def median_time(fn, repeat: int = 5):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args(argv)
    _org, crisis = bench_exports.setup(args.people)
    user = get_user_model().objects.get(username="bench-consul")
    client = Client()
    client.force_login(user)
    print(f"{bench_exports.connection.vendor}, load average {bench_exports.load_average()}", flush=True)

    def every_point() -> bytes:
        rows = queries.welfare_rows(user, crisis).filter(
            person__in=Person.objects.filter(exact_position_q(user)).values("pk"), person__latitude__isnull=False
        )
        points = [
            [round(lat, 5), round(lon, 5), status, pid]
            for lat, lon, status, pid in rows.values_list(
                "person__latitude", "person__longitude", "status", "person_id"
            ).iterator(chunk_size=5000)
        ]
        return json.dumps({"points": points}).encode()

    seconds, body = median_time(every_point, repeat=3)
    people = len(json.loads(body)["points"])
    print(
        f"  REFERENCE every point ({people} people): {len(body) / 1024:,.0f} KB, "
        f"gzip {len(gzip.compress(body, 6)) / 1024:,.0f} KB, {seconds * 1000:,.0f} ms",
        flush=True,
    )
    figures = [{"what": "every point", "people": people, "bytes": len(body), "seconds": seconds}]
    for label, zoom, bbox in VIEWS:
        url = f"/crises/{crisis.pk}/points.json?z={zoom}&bbox={bbox}"

        def get(url=url) -> bytes:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response.content

        seconds, body = median_time(get)
        data = json.loads(body)
        figures.append(
            {
                "what": label,
                "bytes": len(body),
                "seconds": seconds,
                "total": data["total"],
                "clusters": len(data["clusters"]),
            }
        )
        print(
            f"  {label:<46} {len(body) / 1024:7.1f} KB (gzip {len(gzip.compress(body, 6)) / 1024:5.1f} KB)"
            f" {seconds * 1000:6.0f} ms  people in view {data['total']:>7,}  clusters {len(data['clusters']):>4}"
            f"  points {len(data['points']):>4}",
            flush=True,
        )
    print(f"load average at the end {bench_exports.load_average()}", flush=True)
    print(json.dumps({"vendor": bench_exports.connection.vendor, "figures": figures}))


if __name__ == "__main__":
    main()
