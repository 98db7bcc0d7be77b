-- the recipient set a stored file was sealed to, as messages record it, so a desk
-- can find and re-seal files when the committee changes; files stored before this
-- take the set of the message that lists them (sealed at the same time)
alter table attachments add column recipients_fp text;

update attachments set recipients_fp = (
    select m.recipients_fp from messages m
    where m.case_id = attachments.case_id and m.seq = attachments.seq
) where case_id is not null;
