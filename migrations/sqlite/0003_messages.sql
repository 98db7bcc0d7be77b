-- the thread of a case: age ciphertext, ordered by sequence number, dated to the day
create table messages (
    case_id text not null references cases (id) on delete cascade,
    seq integer not null,
    author_kind text not null check (author_kind in ('reporter', 'committee', 'note')),
    written_on text not null,
    recipients_fp text not null,
    ciphertext blob not null,
    primary key (case_id, seq)
) without rowid;
