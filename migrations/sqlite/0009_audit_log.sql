-- every member action, hash-chained: time, member, action, case reference; never
-- content, never anything about a reporter
create table audit_log (
    seq integer primary key,
    at integer not null,
    member_id text,
    action text not null,
    case_ref text,
    prev_hash blob not null,
    hash blob not null
);
