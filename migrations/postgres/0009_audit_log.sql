-- every member action, hash-chained: time, member, action, case reference; never
-- content, never anything about a reporter
create table audit_log (
    seq bigint primary key,
    at bigint not null,
    member_id text,
    action text not null,
    case_ref text,
    prev_hash bytea not null,
    hash bytea not null
);
