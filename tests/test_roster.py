from __future__ import annotations

import hashlib

import pytest

from kwo.errors import RosterError
from kwo.roster import OpenSlot, load_roster, parse_hours, parse_roster, roster_from_inbound


def write(tmp_path, text: str, name: str = "brands.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_minimal_roster_and_normalised_handles(tmp_path):
    p = write(tmp_path, "handle,name,sector\n@KPN,KPN,telecom\nKPNwebcare,KPN,telecom\nING,ING,\n")
    r = load_roster(p)
    assert [b.handle for b in r] == ["kpn", "kpnwebcare", "ing"]
    assert [b.name for b in r] == ["KPN", "KPN", "ING"]  # two handles, one organisation
    assert r.get("ing").sector == "unknown"  # empty sector
    assert r.get("@Kpn").line == 2
    assert r.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert r.source == str(p)
    assert all(b.user_id is None and b.hours is None and b.tz is None for b in r)


def test_optional_columns_any_order_bom_comments_and_blank_lines(tmp_path):
    text = (
        "\ufefftz,hours,user_id,sector,name,handle\n"
        "# the Dutch railways\n"
        "\n"
        "Europe/London,mon-fri 09:00-17:00,4,transport,NS,ns_online\n"
    )
    (b,) = load_roster(write(tmp_path, text)).brands
    assert (b.handle, b.name, b.sector, b.user_id, b.tz) == ("ns_online", "NS", "transport", "4", "Europe/London")
    assert b.slots == tuple(OpenSlot(d, 9 * 60, 17 * 60) for d in range(1, 6))
    assert b.line == 4


def test_roster_columns(tmp_path):
    r = load_roster(write(tmp_path, "handle,name,sector,hours\na,A,x,sat 10:00-18:00\nb,B,y,\n"))
    t = r.brand_columns()
    assert list(zip(t["brand_key"], t["handle"], t["has_hours"])) == [(0, "a", True), (1, "b", False)]
    assert r.hour_columns() == {"brand_key": [0], "weekday": [6], "start_min": [600], "end_min": [1080]}


@pytest.mark.parametrize(
    "spec, slots",
    [
        ("mon-fri 08:00-22:00; sat 10:00-18:00",
         [(d, 480, 1320) for d in range(1, 6)] + [(6, 600, 1080)]),
        ("mon,wed 08:00-12:00,13:00-17:00; sun closed",
         [(1, 480, 720), (1, 780, 1020), (3, 480, 720), (3, 780, 1020)]),
        ("mon-sun 00:00-24:00", [(d, 0, 1440) for d in range(1, 8)]),
        # past midnight: the rest of Friday and the start of Saturday
        ("fri 22:00-02:00", [(5, 1320, 1440), (6, 0, 120)]),
        # day ranges may wrap (sat-mon); Sunday night runs into Monday, Monday night into Tuesday
        ("sat-mon 20:00-01:30",
         [(6, 1200, 1440), (7, 0, 90), (7, 1200, 1440), (1, 0, 90), (1, 1200, 1440), (2, 0, 90)]),
        ("Monday 9:00-17:30", [(1, 540, 1050)]),
    ],
)
def test_parse_hours(spec, slots):
    assert [(s.weekday, s.start_min, s.end_min) for s in parse_hours(spec)] == sorted(slots)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("mon-fri", "needs days and times"),
        ("maandag 08:00-17:00", "unknown day 'maandag'"),
        ("mon 8-17", "is not a time range"),
        ("mon 25:00-26:00", "impossible time"),
        ("mon 09:00-09:00", "empty range"),
        ("mon 09:00-17:00; mon 18:00-20:00", "mon is given more than once"),
        (";", "no days given"),
    ],
)
def test_parse_hours_errors(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_hours(spec)


# Validation errors name the file and the line of the offending row.


def test_duplicate_handle_names_both_rows(tmp_path):
    p = write(tmp_path, "handle,name,sector\nkpn,KPN,telecom\ning,ING,finance\n@KPN,KPN bis,telecom\n")
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value) == (
        f"{p}:4: duplicate handle 'kpn' (already on line 2; handles are compared case-insensitively)"
    )


def test_malformed_hours_names_the_row(tmp_path):
    p = write(tmp_path, "handle,name,sector,hours\nkpn,KPN,telecom,mon-fri 08:00-22:00\ning,ING,finance,weekdays 9-5\n")
    with pytest.raises(RosterError, match=rf"^{p}:3: malformed hours 'weekdays 9-5': unknown day 'weekdays'"):
        load_roster(p)


def test_unknown_time_zone_names_the_row(tmp_path):
    p = write(tmp_path, "handle,name,sector,tz\nkpn,KPN,telecom,Europe/Amsterdam\ning,ING,finance,Europe/Amsterdm\n")
    with pytest.raises(RosterError, match=rf"^{p}:3: unknown time zone 'Europe/Amsterdm'"):
        load_roster(p)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    p = write(tmp_path, text)
    with pytest.raises(RosterError, match=rf"^{p}: the roster is empty"):
        load_roster(p)


def test_header_without_brands(tmp_path):
    p = write(tmp_path, "handle,name,sector\n")
    with pytest.raises(RosterError, match=rf"^{p}: the roster has a header \(line 1\) but no brands"):
        load_roster(p)


@pytest.mark.parametrize(
    "text, message",
    [
        ("handle,name\nkpn,KPN\n", ":1: header lacks column(s) sector"),
        ("handle,name,sector,secter\nkpn,KPN,t,x\n", ":1: unknown column(s) 'secter'"),
        ("handle,name,sector,name\nkpn,KPN,t,x\n", ":1: column(s) name appear more than once"),
        ("handle,name,sector\nkpn,KPN,t,extra\n", ":2: 4 fields but the header has 3"),
        ("handle,name,sector\n,KPN,t\n", ":2: empty handle"),
        ("handle,name,sector\nkpn.nl,KPN,t\n", ":2: 'kpn.nl' is not a handle"),
        ("handle,name,sector,user_id\nkpn,KPN,t,1\ning,ING,f,1\n", ":3: duplicate user_id '1' (already on line 2)"),
    ],
)
def test_other_validation_errors(tmp_path, text, message):
    p = write(tmp_path, text)
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value).startswith(f"{p}{message}")


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(RosterError, match="no such roster file"):
        load_roster(tmp_path / "nope.csv")
    # Not UTF-8: read as Windows-1252, with a notice (tests/test_roster_files.py has the rest)
    p = tmp_path / "latin1.csv"
    p.write_bytes("handle,name,sector\nkpn,Caf\xe9,t\n".encode("latin-1"))
    r = load_roster(p)
    assert [b.name for b in r] == ["Caf\xe9"] and r.notices[0].startswith(f"{p}: not UTF-8 text; read as Windows-1252")


def test_values_with_quotes_and_commas(tmp_path):
    # Roster values reach DuckDB as Arrow data, so anything goes in names and sectors.
    r = parse_roster('handle,name,sector\nkpn,"KPN, the ""care"" team\'; DROP TABLE tweets; --",telecom\n')
    assert r[0].name == 'KPN, the "care" team\'; DROP TABLE tweets; --'


def test_roster_from_inbound(tmp_path):
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    con.register("t", pa.table({
        "author_id": ["sprintcare", "115712", "AppleSupport", "sprintcare", "Ctx"],
        "inbound": [False, True, False, False, False],
        "collected": [True, True, True, True, False],
    }))
    con.execute("CREATE VIEW tweets AS SELECT * FROM t")
    r = roster_from_inbound(con)
    assert [(b.handle, b.name, b.user_id, b.sector) for b in r] == [
        ("applesupport", "AppleSupport", "AppleSupport", "unknown"),
        ("sprintcare", "sprintcare", "sprintcare", "unknown"),
    ]
    assert r.derived_from == "inbound" and r.sha256 is None and "inbound = false" in r.description
    con.execute("CREATE OR REPLACE VIEW tweets AS SELECT * FROM t WHERE inbound")
    assert roster_from_inbound(con) is None


def test_aliases(tmp_path):
    p = write(tmp_path, "handle,name,sector,aliases\n@KPN,KPN,telecom,KPNwebcare| @kpn_care \ning,ING,finance,\n")
    r = load_roster(p)
    kpn, ing = r.brands
    assert kpn.aliases == ("kpnwebcare", "kpn_care") and kpn.handles == ("kpn", "kpnwebcare", "kpn_care")
    assert ing.aliases == ()
    assert r.get("@KpnWebcare") is kpn and r.get("kpn_care") is kpn and r.get("ing") is ing
    # every handle of a brand is one row of brand_handles; the brand itself stays one row
    assert r.handle_columns() == {"brand_key": [0, 0, 0, 1], "handle": ["kpn", "kpnwebcare", "kpn_care", "ing"]}
    assert r.brand_columns()["handle"] == ["kpn", "ing"]


@pytest.mark.parametrize(
    "rows, message",
    [
        ("kpn,KPN,t,kpnwebcare\nkpnwebcare,K,t,\n",
         ":3: handle 'kpnwebcare' is already an alias of 'kpn' (line 2); a handle belongs to one brand"),
        ("kpn,KPN,t,\nx,X,t,KPN\n", ":3: alias 'kpn' is already the handle on line 2; a handle belongs to one brand"),
        ("kpn,KPN,t,a|b\nx,X,t,B\n", ":3: alias 'b' is already an alias of 'kpn' (line 2)"),
        ("kpn,KPN,t,kpn\n", ":2: alias 'kpn' is the brand's own handle"),
        ("kpn,KPN,t,a|A\n", ":2: alias 'a' is given twice"),
        ("kpn,KPN,t,a||b\n", ":2: empty alias in 'a||b' (separate handles with |)"),
        ("kpn,KPN,t,kpn.nl\n", ":2: alias 'kpn.nl' is not a handle (letters, digits and _ only; separate several with |)"),
        ("kpn,KPN,t,a;b\n", ":2: alias 'a;b' is not a handle"),
    ],
)
def test_alias_errors_name_the_line(tmp_path, rows, message):
    p = write(tmp_path, "handle,name,sector,aliases\n" + rows)
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value).startswith(f"{p}{message}")


def test_the_header_hint_names_aliases(tmp_path):
    p = write(tmp_path, "handle,name\nkpn,KPN\n")
    with pytest.raises(RosterError, match=r"expected handle,name,sector\[,user_id\]\[,hours\]\[,tz\]\[,aliases\]"):
        load_roster(p)
