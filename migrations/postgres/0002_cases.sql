-- a case: plaintext only what the workflow needs, dates to the day
create table cases (
    id text primary key,
    reference text not null unique,
    lookup bytea not null unique,
    reporter_recipient text not null,
    status text not null,
    close_reason text,
    received_on text not null,
    acknowledged_on text,
    feedback_due_on text not null,
    closed_on text,
    last_activity_on text not null,
    purge_on text
);
