-- attachments: age STREAM ciphertext in chunk rows, under random ids; the file name
-- and type live only inside the message that lists the attachment. A row is pending
-- (no case, a time to clean it up by) until its message is stored.
create table attachments (
    id text primary key,
    case_id text references cases (id) on delete cascade,
    seq bigint,
    chunk_count bigint not null default 0,
    stored_bytes bigint not null default 0,
    pending_case text,
    pending_until bigint
);

create table attachment_chunks (
    attachment_id text not null references attachments (id) on delete cascade,
    idx bigint not null,
    data bytea not null,
    primary key (attachment_id, idx)
);

create index attachments_by_message on attachments (case_id, seq);
