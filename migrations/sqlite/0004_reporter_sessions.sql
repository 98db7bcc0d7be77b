-- reporter sessions: found by a hash of the cookie token; the case id and reporter key
-- are sealed to a key derived from the token, so the row alone links to nothing
create table reporter_sessions (
    id blob primary key,
    sealed_state blob not null,
    expires_at integer not null
) without rowid;
