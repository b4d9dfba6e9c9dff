-- Sites, their scans, the pages each scan archived and the claims found.
-- Scans are evidence: rows are never updated or deleted (triggers below).
CREATE TABLE sites (
    id      INTEGER PRIMARY KEY,
    url     TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
);

CREATE TABLE scans (
    id       TEXT PRIMARY KEY,
    site_id  INTEGER NOT NULL REFERENCES sites(id),
    started  TEXT NOT NULL,
    finished TEXT NOT NULL,
    archive  TEXT NOT NULL,
    verdict  TEXT NOT NULL,
    report   TEXT NOT NULL -- the site report as printed (JSON)
);
CREATE INDEX scans_site ON scans(site_id, started);

CREATE TABLE pages (
    id           INTEGER PRIMARY KEY,
    scan_id      TEXT NOT NULL REFERENCES scans(id),
    url          TEXT NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    lang         TEXT NOT NULL,
    title        TEXT NOT NULL,
    promotional  INTEGER NOT NULL,
    score        REAL NOT NULL,
    record_id    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    warc_file    TEXT NOT NULL,
    warc_offset  INTEGER NOT NULL,
    report       TEXT -- the page report (JSON); NULL for responses that are not documents
);
CREATE INDEX pages_scan ON pages(scan_id);

CREATE TABLE claims (
    id           INTEGER PRIMARY KEY,
    scan_id      TEXT NOT NULL REFERENCES scans(id),
    seq          INTEGER NOT NULL, -- index in the site report's claims
    page_url     TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    category     TEXT NOT NULL,
    stance       TEXT NOT NULL,
    rule         TEXT NOT NULL,
    quote        TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    captured     TEXT NOT NULL,
    UNIQUE (scan_id, seq)
);

CREATE TRIGGER scans_append_only_u BEFORE UPDATE ON scans BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
CREATE TRIGGER scans_append_only_d BEFORE DELETE ON scans BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
CREATE TRIGGER pages_append_only_u BEFORE UPDATE ON pages BEGIN SELECT RAISE(ABORT, 'pages are append-only'); END;
CREATE TRIGGER pages_append_only_d BEFORE DELETE ON pages BEGIN SELECT RAISE(ABORT, 'pages are append-only'); END;
CREATE TRIGGER claims_append_only_u BEFORE UPDATE ON claims BEGIN SELECT RAISE(ABORT, 'claims are append-only'); END;
CREATE TRIGGER claims_append_only_d BEFORE DELETE ON claims BEGIN SELECT RAISE(ABORT, 'claims are append-only'); END;
