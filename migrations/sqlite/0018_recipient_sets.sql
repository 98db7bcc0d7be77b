-- which public keys each recipient-set fingerprint stands for, so `meldpunt member
-- list` can say per member whether they can open what is stored (a fingerprint alone
-- cannot be turned back into keys); sets used before this are unknown
create table recipient_sets (
    fingerprint text not null,
    recipient text not null,
    primary key (fingerprint, recipient)
);
