-- SHA-256 (hex) of the request a run was started with, so that its Idempotency-Key cannot be reused for
-- a different request. Null for runs recorded before this column existed: any request matches them.
alter table ingestion_run add column request_fingerprint varchar(64);
