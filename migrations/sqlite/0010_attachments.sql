-- attachments: age STREAM ciphertext in chunk rows, under random ids; the file name
-- and type live only inside the message that lists the attachment. A row is pending
-- (no case, a time to clean it up by) until its message is stored.
create table attachments (
    id text primary key,
    case_id text references cases (id) on delete cascade,
    seq integer,
    chunk_count integer not null default 0,
    stored_bytes integer not null default 0,
    pending_case text,
    pending_until integer
) without rowid;

create table attachment_chunks (
    attachment_id text not null references attachments (id) on delete cascade,
    idx integer not null,
    data blob not null,
    primary key (attachment_id, idx)
) without rowid;

create index attachments_by_message on attachments (case_id, seq);
