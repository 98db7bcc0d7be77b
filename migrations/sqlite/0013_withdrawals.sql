-- a case its reporter withdrew: only its reference and the day, so the committee
-- knows it is gone on purpose; the case itself is deleted in the same transaction.
-- The notice is removed on forget_on (the withdrawal day plus the retention).
create table withdrawals (
    reference text primary key,
    withdrawn_on text not null,
    forget_on text not null
) without rowid;
