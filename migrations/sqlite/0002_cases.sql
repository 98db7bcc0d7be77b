-- a case: plaintext only what the workflow needs, dates to the day; without rowid,
-- so rows are kept in the order of their random ids, not in the order they arrived
create table cases (
    id text primary key,
    reference text not null unique,
    lookup blob not null unique,
    reporter_recipient text not null,
    status text not null,
    close_reason text,
    received_on text not null,
    acknowledged_on text,
    feedback_due_on text not null,
    closed_on text,
    last_activity_on text not null,
    purge_on text
) without rowid;
