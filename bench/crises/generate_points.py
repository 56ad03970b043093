"""A fast generator of people spread over Mexico and Central America, for the crises benchmark.

People cluster around the region's cities (Gaussian spread, heavier for big cities), plus a thin
rural background; each gets the ISO 3166-2 subdivision of the city they were drawn around. Rows go
straight into registry_person with COPY (every NOT NULL column filled with a neutral value), so a
million people load in well under a minute.
"""

from __future__ import annotations

import io
import json

import numpy as np

# (lat, lon, subdivision, weight, spread in degrees)
CITIES = [
    (19.43, -99.13, "MX-CMX", 18, 0.25),
    (19.29, -99.65, "MX-MEX", 6, 0.3),
    (20.67, -103.35, "MX-JAL", 9, 0.3),
    (25.69, -100.32, "MX-NLE", 8, 0.3),
    (19.04, -98.21, "MX-PUE", 6, 0.3),
    (32.51, -117.04, "MX-BCN", 5, 0.2),
    (31.69, -106.42, "MX-CHH", 4, 0.2),
    (21.12, -101.68, "MX-GUA", 5, 0.3),
    (20.59, -100.39, "MX-QUE", 3, 0.2),
    (19.70, -101.19, "MX-MIC", 3, 0.3),
    (29.07, -110.96, "MX-SON", 3, 0.2),
    (24.80, -107.39, "MX-SIN", 3, 0.2),
    (16.85, -99.88, "MX-GRO", 4, 0.12),
    (17.55, -99.50, "MX-GRO", 1.5, 0.15),
    (17.64, -101.55, "MX-GRO", 1, 0.1),
    (18.35, -99.54, "MX-GRO", 1, 0.15),
    (17.06, -96.72, "MX-OAX", 3, 0.2),
    (15.86, -97.07, "MX-OAX", 1, 0.1),
    (16.34, -98.05, "MX-OAX", 0.7, 0.1),
    (16.17, -95.20, "MX-OAX", 1, 0.15),
    (14.91, -92.26, "MX-CHP", 4, 0.15),
    (16.75, -93.12, "MX-CHP", 3, 0.2),
    (20.97, -89.62, "MX-YUC", 3, 0.2),
    (21.16, -86.85, "MX-ROO", 3, 0.15),
    (19.17, -96.13, "MX-VER", 3, 0.25),
    (17.99, -92.93, "MX-TAB", 2, 0.2),
    (18.92, -99.23, "MX-MOR", 2, 0.15),
    (14.63, -90.51, "GT-GU", 8, 0.2),
    (14.83, -91.52, "GT-QZ", 2, 0.15),
    (13.69, -89.22, "SV-SS", 6, 0.15),
    (14.07, -87.19, "HN-FM", 5, 0.15),
    (15.50, -88.03, "HN-CR", 4, 0.15),
    (12.13, -86.25, "NI-MN", 4, 0.15),
    (9.93, -84.08, "CR-SJ", 4, 0.15),
    (8.98, -79.52, "PA-8", 4, 0.15),
]
BACKGROUND_BOX = (14.5, 24.0, -105.0, -90.0)  # a thin rural layer over southern and central Mexico
NATIONALITIES = ["MX", "GT", "HN", "SV", "NI", "VE", "HT", "CU", "CO", "US", "EC", "IN", "CM"]
NATIONALITY_WEIGHTS = [30, 18, 16, 10, 5, 6, 5, 3, 2, 2, 1, 1, 1]


def generate(n: int, seed: int = 2026) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    weights = np.array([c[3] for c in CITIES], dtype=float)
    n_background = n // 20
    n_cities = n - n_background
    which = rng.choice(len(CITIES), size=n_cities, p=weights / weights.sum())
    centres = np.array([(c[0], c[1], c[4]) for c in CITIES])
    lat = centres[which, 0] + rng.normal(0, 1, n_cities) * centres[which, 2]
    lon = centres[which, 1] + rng.normal(0, 1, n_cities) * centres[which, 2]
    subdivisions = np.array([c[2] for c in CITIES], dtype=object)[which]
    b_lat = rng.uniform(BACKGROUND_BOX[0], BACKGROUND_BOX[1], n_background)
    b_lon = rng.uniform(BACKGROUND_BOX[2], BACKGROUND_BOX[3], n_background)
    # the background takes the subdivision of the nearest city (a coarse but stable assignment)
    nearest = np.argmin(
        (b_lat[:, None] - centres[None, :, 0]) ** 2 + (b_lon[:, None] - centres[None, :, 1]) ** 2, axis=1
    )
    b_sub = np.array([c[2] for c in CITIES], dtype=object)[nearest]
    nat_p = np.array(NATIONALITY_WEIGHTS, dtype=float)
    return {
        "latitude": np.round(np.concatenate([lat, b_lat]), 6),
        "longitude": np.round(np.concatenate([lon, b_lon]), 6),
        "subdivision": np.concatenate([subdivisions, b_sub]),
        "nationality": rng.choice(NATIONALITIES, size=n, p=nat_p / nat_p.sum()),
    }


def _filler(data_type: str) -> str:
    if data_type in ("jsonb", "json"):
        return json.dumps([])
    if data_type == "boolean":
        return "f"
    if data_type in ("integer", "bigint", "smallint", "double precision", "numeric", "real"):
        return "0"
    if data_type.startswith("timestamp"):
        return "2026-01-01 00:00:00+00"
    if data_type == "date":
        return "2000-01-01"
    return ""


def load_postgres(connection, organization_id: int, n: int, batch: int = 200_000) -> None:
    """COPY n people into registry_person (psycopg 3 connection)."""
    data = generate(n)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_name = 'registry_person' ORDER BY ordinal_position"
        )
        columns = cur.fetchall()
    fixed = {
        "registering_organization_id": str(organization_id),
        "given_names": "Persona",
        "first_surname": "Prueba",
        "sex": "unknown",
        "birth_date_precision": "day",
        "migratory_status": "unknown",
        "record_status": "active",
        "country": "",
        "location_source": "bench",
    }
    names = []
    for name, data_type, nullable, default in columns:
        if name == "id" or (nullable == "YES" and name not in fixed and name not in data):
            continue
        if name in ("latitude", "longitude", "subdivision", "nationality", "country") or name in fixed:
            names.append((name, None))
        elif nullable == "NO" and default is None:
            names.append((name, _filler(data_type)))
    col_list = ", ".join(n for n, _ in names)
    for start in range(0, n, batch):
        stop = min(n, start + batch)
        buf = io.StringIO()
        for i in range(start, stop):
            sub = data["subdivision"][i]
            row = []
            for name, filler in names:
                if name == "latitude":
                    row.append(repr(float(data["latitude"][i])))
                elif name == "longitude":
                    row.append(repr(float(data["longitude"][i])))
                elif name == "subdivision":
                    row.append(sub)
                elif name == "country":
                    row.append(sub[:2])
                elif name == "nationality":
                    row.append(data["nationality"][i])
                elif name == "source_record_id":
                    row.append(f"bench-{i}")
                elif name in fixed:
                    row.append(fixed[name])
                else:
                    row.append(filler)
            buf.write("\t".join(row) + "\n")
        with connection.cursor() as cur, cur.copy(f"COPY registry_person ({col_list}) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        connection.commit()
