-- Cases are their events: an append-only, hash-chained log (internal/cases).
-- Rows are never updated or deleted through Vigie (triggers below); an edit
-- made around Vigie breaks the chain, which vigie case verify detects.
CREATE TABLE cases (
    id      TEXT PRIMARY KEY,
    year    INTEGER NOT NULL,
    number  INTEGER NOT NULL,
    created TEXT NOT NULL,
    UNIQUE (year, number)
);

CREATE TABLE case_events (
    case_id      TEXT NOT NULL REFERENCES cases(id),
    seq          INTEGER NOT NULL,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    before_state TEXT NOT NULL,
    after_state  TEXT NOT NULL,
    data         TEXT NOT NULL, -- JSON, as hashed
    prev         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TRIGGER cases_append_only_u BEFORE UPDATE ON cases BEGIN SELECT RAISE(ABORT, 'cases are append-only'); END;
CREATE TRIGGER cases_append_only_d BEFORE DELETE ON cases BEGIN SELECT RAISE(ABORT, 'cases are append-only'); END;
CREATE TRIGGER case_events_append_only_u BEFORE UPDATE ON case_events BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER case_events_append_only_d BEFORE DELETE ON case_events BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
