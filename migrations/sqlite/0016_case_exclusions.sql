-- conflicts of interest: the members a reporter left out of a case. Their keys are
-- left out of everything sealed for it, and they see only that the case exists.
-- Which member was left out says something about whom the reporter knows, so it
-- goes with the case when the case is deleted, and nowhere else.
create table case_exclusions (
    case_id text not null references cases (id) on delete cascade,
    member_id text not null references members (id) on delete cascade,
    primary key (case_id, member_id)
);
