-- single-use form tokens: the nonce of every form already sent, until it has expired
create table used_form_tokens (
    nonce blob primary key,
    forget_on text not null
) without rowid;
