-- Attachment contents sent as multipart parts, once per sha2 however many statements
-- carry them. A statement links to its contents through the sha2 of its attachment
-- objects, which its JSON keeps; contents are immutable, like statements.
CREATE TABLE attachments (
  sha2 text PRIMARY KEY,
  content_type text NOT NULL,
  content bytea NOT NULL,
  stored timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE attachments ALTER COLUMN content SET STATISTICS 0;
