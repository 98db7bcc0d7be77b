-- per-member read marks: the highest sequence number of a case each member has seen,
-- so one member opening a case leaves the others' unread counts alone; nothing more
-- (no time, no count of views)
create table member_reads (
    member_id text not null references members (id) on delete cascade,
    case_id text not null references cases (id) on delete cascade,
    last_seq integer not null,
    primary key (member_id, case_id)
) without rowid;
